"""Funding's ledger as the regions service's tests meet it (the port of
services/regions/application/budget_cuts.py): funding's own use cases in process, a
funding out of reach, and one with nothing committed anywhere, which holds every cut."""

from uuid import UUID

from services.funding.application.budget_cuts import CutCancel, CutReserve, cancel_cut, reserve_cut
from services.funding.application.funding import FundingApplication
from services.regions.application.budget_cuts import Cut, CutRefused, FundingUnavailable
from shared.errors import Conflict
from shared.es import meta

REGIONS_SERVICE = meta({"role": "service", "subject": "regions"}, "c-cut")


class InProcessFunding:
    """Funding's use cases called directly, as the regions service calls them over HTTP."""

    def __init__(self, funding: FundingApplication) -> None:
        self.funding = funding
        self.reserved: list[UUID] = []
        self.cancelled: list[UUID] = []

    def reserve(self, cut: Cut) -> None:
        command = CutReserve(
            amount_cents=cut.amount_cents, reason=cut.reason, based_on=cut.based_on
        )
        try:
            reserve_cut(self.funding, cut.region_id, cut.fund, cut.cut_id, command, REGIONS_SERVICE)
        except Conflict as exc:
            raise CutRefused(str(exc)) from None
        self.reserved.append(cut.cut_id)

    def cancel(self, cut: Cut) -> None:
        self.cancelled.append(cut.cut_id)
        cancel_cut(self.funding, cut.region_id, cut.fund, cut.cut_id, CutCancel(), REGIONS_SERVICE)

    def close(self) -> None:
        pass


class NothingCommitted:
    """A funding with nothing committed anywhere: it holds every cut."""

    def reserve(self, cut: Cut) -> None:
        pass

    def cancel(self, cut: Cut) -> None:
        pass

    def close(self) -> None:
        pass


class Unreachable(NothingCommitted):
    def reserve(self, cut: Cut) -> None:
        raise FundingUnavailable("budget cut: the funding service is not reachable")

    cancel = reserve


class NeverAsked(NothingCommitted):
    def reserve(self, cut: Cut) -> None:
        raise AssertionError("a raise needs no confirmation")

    cancel = reserve
