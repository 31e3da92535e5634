"""Use cases of the regions service: load, call, save, return plain values.

Changes that touch the programme's envelope save the programme and the region together
(atomic). Every command runs through shared/commands.py: when another request saved
first, it runs again on the new state (the loser of a race for the last money gets the
envelope's answer, not a spurious conflict), and with an Idempotency-Key a retry gets
the first answer instead of doing it twice. A budget cut is held by funding before it
is saved (budget_cuts.py).
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from services.regions.application.budget_cuts import Cut, FundingLedger, Holds
from services.regions.application.views import (
    ProgrammeState,
    RegionState,
    programme_state,
    region_state,
)
from services.regions.domain.programme import (
    PROGRAMME_KEY,
    Programme,
    ProgrammeNotFound,
    ProgrammeNotOpen,
    programme_aggregate_id,
)
from services.regions.domain.region import Region, region_aggregate_id
from services.regions.domain.rules import Member, RegionAlreadyRecognised, RegionNotFound, Seat
from shared.commands import CommandApplication
from shared.errors import Conflict
from shared.idempotency import Idempotency


class RegionsApplication(CommandApplication):
    name = "regions"
    attempts = 30
    too_often = "the region was changed by others too often meanwhile; please try again"

    def __init__(
        self, env: Mapping[str, str] | None = None, funding: FundingLedger | None = None
    ) -> None:
        super().__init__(env)
        self.funding = funding

    def close(self) -> None:
        if self.funding is not None:
            self.funding.close()
        super().close()

    # the programme -------------------------------------------------------------------

    def open_programme(
        self,
        *,
        name: str,
        envelope_cents: int,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> ProgrammeState:
        def attempt() -> tuple[ProgrammeState, Sequence[Aggregate]]:
            if programme_aggregate_id() in self.repository:
                raise Conflict("the programme is already open")
            programme = Programme.open(
                key=PROGRAMME_KEY, name=name, envelope_cents=envelope_cents, meta=meta
            )
            return programme_state(programme), [programme]

        return self.run_command(idem, attempt, ProgrammeState)

    def get_programme(self) -> ProgrammeState:
        try:
            return programme_state(self._programme())
        except ProgrammeNotOpen as exc:
            raise ProgrammeNotFound(str(exc)) from None

    # recognition and the region's structure --------------------------------------------

    def recognise_region(
        self,
        *,
        region_id: str,
        name: str,
        arl: str,
        recognised_on: date | None,
        announced_budget_cents: int | None = None,
        notes: Sequence[str] = (),
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        def attempt() -> tuple[RegionState, Sequence[Aggregate]]:
            programme = self._programme()
            region = Region.recognise(
                region_id=region_id,
                name=name,
                arl=arl,
                recognised_on=recognised_on,
                announced_budget_cents=announced_budget_cents,
                notes=notes,
                meta=meta,
            )
            programme.admit(region_id, meta)
            if region.id in self.repository:
                raise RegionAlreadyRecognised(f"region {region_id!r} is already recognised")
            return region_state(region), (programme, region)

        return self.run_command(idem, attempt, RegionState)

    def record_members(
        self,
        region_id: str,
        *,
        members: list[Member],
        lead_partner: str | None,
        note: str | None,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        return self._change_region(
            region_id, lambda r: r.record_members(members, lead_partner, note, meta), idem
        )

    def adopt_zukunftskonzept(
        self,
        region_id: str,
        *,
        handlungsfelder: list[str],
        adopted_on: date | None,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        return self._change_region(
            region_id, lambda r: r.adopt_zukunftskonzept(handlungsfelder, adopted_on, meta), idem
        )

    def amend_handlungsfelder(
        self,
        region_id: str,
        *,
        handlungsfelder: list[str],
        reason: str,
        amended_on: date | None,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        return self._change_region(
            region_id,
            lambda r: r.amend_handlungsfelder(handlungsfelder, reason, amended_on, meta),
            idem,
        )

    def constitute_steering_group(
        self,
        region_id: str,
        *,
        seats: list[Seat],
        constituted_on: date | None,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        return self._change_region(
            region_id, lambda r: r.constitute_steering_group(seats, constituted_on, meta), idem
        )

    def establish_regional_management(
        self,
        region_id: str,
        *,
        host_organisation: str,
        annual_grant_cents: int,
        established_on: date | None,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        return self._change_region(
            region_id,
            lambda r: r.establish_regional_management(
                host_organisation, annual_grant_cents, established_on, meta
            ),
            idem,
        )

    def grant_regional_management(
        self,
        region_id: str,
        *,
        year: int,
        eligible_cost_cents: int,
        decided_on: date | None,
        note: str | None,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        """NBank's grant to the regional management for a year: booked on the region, and
        its EU part on the programme's envelope (one atomic save)."""

        def attempt() -> tuple[RegionState, Sequence[Aggregate]]:
            region, programme = self._region(region_id), self._programme()
            grant = region.grant_regional_management(
                year, eligible_cost_cents, decided_on, note, meta
            )
            programme.book_regional_management(region_id, grant["eu_cents"], meta)
            return region_state(region), (region, programme)

        return self.run_command(idem, attempt, RegionState)

    # budgets ---------------------------------------------------------------------------

    def allocate_budget(
        self,
        region_id: str,
        *,
        fund: str,
        amount_cents: int,
        basis: str,
        note: str | None,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        def attempt() -> tuple[RegionState, Sequence[Aggregate]]:
            region, programme = self._region(region_id), self._programme()
            region.allocate_budget(fund, amount_cents, basis, note, meta)
            programme.book(region_id, fund, amount_cents, meta)
            return region_state(region), (region, programme)

        return self.run_command(idem, attempt, RegionState)

    def adjust_budget(
        self,
        region_id: str,
        *,
        fund: str,
        amount_cents: int,
        reason: str,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> RegionState:
        """A cut (below the current allocation) is held by funding first, on the region's
        version it was computed on; the holds of a command not saved are cancelled."""
        with Holds(self.funding) as holds:

            def attempt() -> tuple[RegionState, Sequence[Aggregate]]:
                region, programme = self._region(region_id), self._programme()
                based_on, previous = region.version, region.budget.get(fund)
                region.adjust_budget(fund, amount_cents, reason, meta)
                programme.book(region_id, fund, amount_cents, meta)
                if previous is not None and amount_cents < previous:
                    holds.reserve(Cut(region_id, fund, amount_cents, reason, based_on))
                return region_state(region), (region, programme)

            return self.run_command(idem, attempt, RegionState)

    # queries ---------------------------------------------------------------------------

    def list_regions(self) -> list[RegionState]:
        if programme_aggregate_id() not in self.repository:
            return []
        return [region_state(self._region(r)) for r in self._programme().regions]

    def get_region(self, region_id: str, as_of: datetime | None = None) -> RegionState:
        if as_of is None:
            return region_state(self._region(region_id))
        versions = [e.originator_version for e in self.history(region_id) if e.timestamp <= as_of]
        if not versions:
            raise RegionNotFound(
                f"region {region_id!r} was not yet recorded at {as_of.isoformat()}"
            )
        region: Region = self.repository.get(region_aggregate_id(region_id), version=versions[-1])
        return region_state(region, as_of=as_of)

    def history(self, region_id: str) -> list[Any]:
        """The region's stored events, oldest first."""
        events = list(self.repository.event_store.get(region_aggregate_id(region_id)))
        if not events:
            raise RegionNotFound(f"no recognised region {region_id!r}")
        return events

    # helpers ---------------------------------------------------------------------------

    def _programme(self) -> Programme:
        try:
            programme: Programme = self.repository.get(programme_aggregate_id())
        except AggregateNotFoundError:
            raise ProgrammeNotOpen(
                "the programme is not open yet; the ministry opens it first"
            ) from None
        return programme

    def _region(self, region_id: str) -> Region:
        try:
            region: Region = self.repository.get(region_aggregate_id(region_id))
        except AggregateNotFoundError:
            raise RegionNotFound(f"no recognised region {region_id!r}") from None
        return region

    def _change_region(
        self, region_id: str, command: Callable[[Region], None], idem: Idempotency | None
    ) -> RegionState:
        def attempt() -> tuple[RegionState, Sequence[Aggregate]]:
            region = self._region(region_id)
            command(region)
            return region_state(region), (region,)

        return self.run_command(idem, attempt, RegionState)
