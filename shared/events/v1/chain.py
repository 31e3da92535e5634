"""v1 of the anchors of the services' hash-chained event stores (shared/chain.py).

Each service publishes the head of its chain on its own topic at regular intervals, so
the subscribers' copies are the anchors that would show a rewritten database.
"""

from pydantic import Field

from shared.events.base import PublicEvent, contract
from shared.events.v2.public import Public
from shared.text import Line


@contract
class ChainAnchoredV1(Public, PublicEvent):
    """The head of a service's hash-chained event store: the last event's position and
    hash. A later store whose chain gives another hash at that position was rewritten."""

    name = "ChainAnchored"
    version = 1

    chain: Line = Field(min_length=1, max_length=100, description="the chained table")
    notification_id: int = Field(ge=1, le=2**63 - 1, description="the last event's position")
    chain_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="its hash (sha256, hex)")
