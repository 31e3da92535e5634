"""A budget cut across two services (issue 13, rule 1), the regions service's half.

Regions allocates, funding commits. Before regions records a lower allocation, it asks
funding to hold the cut (`FundingLedger.reserve`): funding holds it only while what is
committed fits in the new allocation, and counts every commitment against the lower
amount until it applies the cut from regions' event. Funding's refusal reaches the
ministry with funding's message (409); a funding that cannot be asked is a 503, and
nothing is recorded. A command that asked for holds and is not saved in the end (refused
when it ran again, or its database gone) cancels them; a hold left behind by a crash
only makes funding hold money back until it applies the region's next change of that
budget. Raises need no one's confirmation.
"""

import logging
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol
from uuid import UUID, uuid4

from shared.errors import Conflict, DomainError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cut:
    region_id: str
    fund: str
    amount_cents: int  # the new allocation
    reason: str
    based_on: int  # the region's version the cut is computed on (its event is the next one)
    cut_id: UUID = field(default_factory=uuid4)


class CutRefused(Conflict):
    """Funding refused the cut: more is committed than the new allocation (HTTP 409)."""


class FundingUnavailable(DomainError):
    """Funding could not be asked to hold the cut; nothing was changed (HTTP 503)."""

    status_code = 503


class FundingLedger(Protocol):
    def reserve(self, cut: Cut) -> None:
        """Have funding hold the cut; `CutRefused` or `FundingUnavailable` when it does not."""

    def cancel(self, cut: Cut) -> None:
        """Have funding let go of the cut (nothing, if it holds none)."""

    def close(self) -> None: ...


class Holds:
    """The cuts one command asked funding to hold, cancelled again when the command is
    refused (a domain error: nothing was saved). A failure that may have come after the
    save committed (the database's answer lost) leaves the holds: a hold too many only
    holds money back until funding applies the budget's next change, while a hold taken
    away from a cut that was recorded would let approvals commit the cut money. Without a
    ledger (an application on its own: unit tests, tools) nothing is asked; the service
    always has one (bootstrap.py)."""

    def __init__(self, funding: FundingLedger | None) -> None:
        self.funding = funding
        self.asked: list[Cut] = []

    def reserve(self, cut: Cut) -> None:
        if self.funding is None:
            return
        self.asked.append(cut)  # from here on funding may hold it, though the answer be lost
        try:
            self.funding.reserve(cut)
        except CutRefused:
            self.asked.remove(cut)
            raise

    def __enter__(self) -> "Holds":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not isinstance(exc, DomainError) or self.funding is None:
            return
        for cut in self.asked:
            try:
                self.funding.cancel(cut)
            except Exception as failed:
                log.warning(
                    "budget cut %s (%s of %s): not cancelled in funding (%s); it holds money "
                    "back until funding applies the region's next change of that budget",
                    cut.cut_id, cut.fund, cut.region_id, failed,
                )  # fmt: skip
