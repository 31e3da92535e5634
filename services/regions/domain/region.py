"""Region: a Zukunftsregion recognised by the ministry (MB), with its members, strategy,
steering group, regional management and budget per fund.

Commands check the rules first and then trigger the event, so replaying history never
re-runs a check that may since have changed.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.regions.domain.rules import (
    Member,
    RegionConflict,
    RegionError,
    RmGrant,
    Seat,
    check_arl,
    check_fund,
    check_handlungsfelder,
    check_members,
    check_positive,
    check_seats,
    regional_management_category,
    regional_management_grant,
)
from shared.es import stable_id
from shared.programme import BERLIN, RM_CAP_CENTS, Category


def region_aggregate_id(region_id: str) -> UUID:
    return stable_id("region", region_id)


class Region(Aggregate):
    @staticmethod
    def create_id(region_id: str) -> UUID:
        return region_aggregate_id(region_id)

    @classmethod
    def recognise(
        cls,
        *,
        region_id: str,
        name: str,
        arl: str,
        recognised_on: date | None,
        announced_budget_cents: int | None,
        notes: Sequence[str],
        meta: dict[str, Any],
    ) -> "Region":
        check_arl(arl)
        if not name.strip():
            raise RegionError("a region needs a name")
        if announced_budget_cents is not None:
            check_positive("the announced budget", announced_budget_cents)
        return cls(region_id, name, arl, recognised_on, announced_budget_cents, list(notes), meta)

    class Recognised(Aggregate.Created):
        """Version 2 records the announced budget and notes; version 1 did not."""

        class_version = 2
        region_id: str
        name: str
        arl: str
        recognised_on: date | None
        announced_budget_cents: int | None
        notes: list[str]
        meta: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["announced_budget_cents"] = None
            state["notes"] = []

    @event(Recognised)
    def __init__(
        self,
        region_id: str,
        name: str,
        arl: str,
        recognised_on: date | None,
        announced_budget_cents: int | None,
        notes: list[str],
        meta: dict[str, Any],
    ) -> None:
        self.region_id = region_id
        self.name = name
        self.arl = arl
        self.recognised_on = recognised_on
        self.recognised_by: dict[str, Any] = meta["actor"]
        self.announced_budget_cents = announced_budget_cents
        self.notes = notes
        self.members: list[Member] = []
        self.lead_partner: str | None = None
        self.members_note: str | None = None
        self.handlungsfelder: list[str] = []
        self.concept_adopted_on: date | None = None
        self.seats: list[Seat] = []
        self.steering_group_constituted_on: date | None = None
        self.regional_management: dict[str, Any] | None = None
        self.regional_management_grants: list[RmGrant] = []  # as NBank booked them
        self.budget: dict[str, int] = {}
        self.budget_basis: dict[str, dict[str, str | None]] = {}

    # members -------------------------------------------------------------------------

    def record_members(
        self,
        members: list[Member],
        lead_partner: str | None,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        check_members(members, lead_partner)
        self._record_members(self.region_id, members, lead_partner, note, meta)

    @event("MembersRecorded")
    def _record_members(
        self,
        region_id: str,
        members: list[Member],
        lead_partner: str | None,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.members = members
        self.lead_partner = lead_partner
        self.members_note = note

    # Zukunftskonzept -----------------------------------------------------------------

    def adopt_zukunftskonzept(
        self, handlungsfelder: list[str], adopted_on: date | None, meta: dict[str, Any]
    ) -> None:
        check_handlungsfelder(handlungsfelder)
        if self.handlungsfelder:
            raise RegionConflict(
                f"{self.name} already has its Zukunftskonzept "
                f"({', '.join(self.handlungsfelder)}); a region has at most two Handlungsfelder"
            )
        self._adopt(self.region_id, handlungsfelder, adopted_on, meta)

    @event("ZukunftskonzeptAdopted")
    def _adopt(
        self,
        region_id: str,
        handlungsfelder: list[str],
        adopted_on: date | None,
        meta: dict[str, Any],
    ) -> None:
        self.handlungsfelder = handlungsfelder
        self.concept_adopted_on = adopted_on

    def amend_handlungsfelder(
        self, handlungsfelder: list[str], reason: str, amended_on: date | None, meta: dict[str, Any]
    ) -> None:
        """The ministry changes the Handlungsfelder of an adopted Zukunftskonzept, with a
        reason; projects already proposed keep theirs (funding checks new proposals only)."""
        check_handlungsfelder(handlungsfelder)
        if not self.handlungsfelder:
            raise RegionConflict(
                f"{self.name} has no Zukunftskonzept yet: adopt it first, then amend it"
            )
        if sorted(handlungsfelder) == sorted(self.handlungsfelder):
            raise RegionConflict(
                f"{self.name} has these Handlungsfelder already ({', '.join(self.handlungsfelder)})"
            )
        self._amend(self.region_id, handlungsfelder, reason, amended_on, meta)

    @event("HandlungsfelderAmended")
    def _amend(
        self,
        region_id: str,
        handlungsfelder: list[str],
        reason: str,
        amended_on: date | None,
        meta: dict[str, Any],
    ) -> None:
        self.handlungsfelder = handlungsfelder

    # steering group and regional management ------------------------------------------

    def constitute_steering_group(
        self, seats: list[Seat], constituted_on: date | None, meta: dict[str, Any]
    ) -> None:
        check_seats(seats, self.arl)
        self._constitute(self.region_id, seats, constituted_on, meta)

    @event("SteeringGroupConstituted")
    def _constitute(
        self, region_id: str, seats: list[Seat], constituted_on: date | None, meta: dict[str, Any]
    ) -> None:
        self.seats = seats
        self.steering_group_constituted_on = constituted_on

    @property
    def regional_management_category(self) -> Category:
        return regional_management_category(self.members, self.lead_partner)

    @property
    def regional_management_cap_cents(self) -> int:
        return RM_CAP_CENTS[self.regional_management_category]

    def establish_regional_management(
        self,
        host_organisation: str,
        annual_grant_cents: int,
        established_on: date | None,
        meta: dict[str, Any],
    ) -> None:
        if self.regional_management is not None:
            raise RegionConflict(f"{self.name} already has its regional management")
        if not self.members:
            raise RegionConflict(
                f"record {self.name}'s members first: the grant's cap depends on where they lie"
            )
        if not host_organisation.strip():
            raise RegionError("the regional management needs a host organisation")
        check_positive("the annual grant", annual_grant_cents)
        cap = self.regional_management_cap_cents
        if annual_grant_cents > cap:
            raise RegionError(
                f"the annual grant of {annual_grant_cents} cents exceeds the programme's cap "
                f"of {cap} cents a year for this region"
            )
        self._establish(
            self.region_id, host_organisation, annual_grant_cents, cap, established_on, meta
        )

    @event("RegionalManagementEstablished")
    def _establish(
        self,
        region_id: str,
        host_organisation: str,
        annual_grant_cents: int,
        annual_cap_cents: int,
        established_on: date | None,
        meta: dict[str, Any],
    ) -> None:
        self.regional_management = {
            "host_organisation": host_organisation,
            "annual_grant_cents": annual_grant_cents,
            "annual_cap_cents": annual_cap_cents,
            "established_on": established_on,
        }

    def grant_regional_management(
        self, year: int, eligible_cost_cents: int, decided_on: date | None, note: str | None,
        meta: dict[str, Any],
    ) -> RmGrant:  # fmt: skip
        """NBank's grant to the regional management for one year, by the category of its
        applicant (the lead partner), within the year's cap (rules.py)."""
        if self.regional_management is None:
            raise RegionConflict(
                f"{self.name} has no regional management yet: the ministry establishes it first"
            )
        if decided_on is not None and decided_on > datetime.now(BERLIN).date():
            raise RegionError(
                f"regional management: the grant notice's date {decided_on} lies in the future"
            )
        granted = sum(
            g["grant_cents"] for g in self.regional_management_grants if g["year"] == year
        )
        grant = regional_management_grant(
            year, eligible_cost_cents, self.regional_management_category, granted
        )
        self._grant_regional_management(self.region_id, grant, decided_on, note, meta)
        return grant

    @event("RegionalManagementGranted")
    def _grant_regional_management(
        self,
        region_id: str,
        grant: RmGrant,
        decided_on: date | None,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.regional_management_grants.append(grant)

    # budget per fund -----------------------------------------------------------------

    def allocate_budget(
        self, fund: str, amount_cents: int, basis: str, note: str | None, meta: dict[str, Any]
    ) -> None:
        check_fund(fund)
        check_positive("the allocation", amount_cents)
        if fund in self.budget:
            raise RegionConflict(
                f"{self.name} already has {self.budget[fund]} cents of {fund}; "
                "change it with a budget adjustment and a reason"
            )
        self._allocate(self.region_id, fund, amount_cents, basis, note, meta)

    @event("BudgetAllocated")
    def _allocate(
        self,
        region_id: str,
        fund: str,
        amount_cents: int,
        basis: str,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.budget[fund] = amount_cents
        self.budget_basis[fund] = {"basis": basis, "note": note}

    def adjust_budget(
        self, fund: str, amount_cents: int, reason: str, meta: dict[str, Any]
    ) -> None:
        check_fund(fund)
        if fund not in self.budget:
            raise RegionConflict(
                f"{self.name} has no {fund} allocation to adjust; allocate it first"
            )
        if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 0:
            raise RegionError("the adjusted amount is whole cents, zero or more")
        if amount_cents == self.budget[fund]:
            raise RegionConflict(f"{self.name}'s {fund} allocation is already {amount_cents} cents")
        if not reason.strip():
            raise RegionError("a budget adjustment needs a reason")
        self._adjust(self.region_id, fund, self.budget[fund], amount_cents, reason, meta)

    @event("BudgetAdjusted")
    def _adjust(
        self,
        region_id: str,
        fund: str,
        previous_cents: int,
        amount_cents: int,
        reason: str,
        meta: dict[str, Any],
    ) -> None:
        self.budget[fund] = amount_cents
