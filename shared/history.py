"""A service's own record of an aggregate, for those who oversee the programme.

Each step as it was published (a CloudEvent), and what the public events leave out: who
acted in person, and why (the note given with the step). Agencies never read this; they
read the public events, which name a role and an organisation only.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import Field

from shared.events import Actor, CloudEvent
from shared.text import Text


class HistoryEntry(CloudEvent):
    recordedby: Actor = Field(description="who acted, in person (never published)")
    note: Text | None = Field(None, description="why, as given with the step (never published)")


def history(
    events: Iterable[Any], to_public: Callable[[Any], Sequence[CloudEvent]]
) -> list[HistoryEntry]:
    """The public events of stored domain events, each with its actor and note."""
    out = []
    for e in events:
        recorded = (getattr(e, "meta", None) or {}).get("actor")
        for ce in to_public(e):
            out.append(
                HistoryEntry(
                    **ce.model_dump(),
                    recordedby=Actor.model_validate(recorded),
                    note=getattr(e, "note", None),
                )
            )
    return out
