"""How the regions service's public events change funding's aggregates.

Recognition opens the region's register and its two budgets; the Zukunftskonzept and the
members tell which Handlungsfelder and districts projects may have; allocations and
adjustments set a budget's allocation. Other events do not concern funding.
"""

from collections.abc import Callable
from typing import Any

from eventsourcing.domain import Aggregate

from services.funding.domain.budget import RegionBudget
from services.funding.domain.region import FundingRegion
from shared.events import PublicEvent, v1, v2
from shared.programme import FUNDS


def learn(
    payload: PublicEvent,
    sequence: int,
    *,
    region: Callable[[str], FundingRegion],
    budget: Callable[[str, str], RegionBudget],
    known: Callable[[str], bool],
) -> list[Aggregate]:
    match payload:
        case v1.RegionRecognisedV1(region_id=rid) if not known(rid):
            opened: list[Any] = [FundingRegion(rid, payload.region_name, sequence)]
            return opened + [RegionBudget(rid, fund, sequence) for fund in FUNDS]
        case (
            v1.ZukunftskonzeptAdoptedV1(region_id=rid, handlungsfelder=fields)
            | v2.HandlungsfelderAmendedV1(region_id=rid, handlungsfelder=fields)
        ):
            r = region(rid)
            r.learn_handlungsfelder(list(fields), sequence)
            return [r]
        case v1.SteeringGroupConstitutedV1(region_id=rid, seats=seats, constituted_on=day):
            r = region(rid)
            voting = sum(1 for s in seats if s.kind != "arl")  # the ArL advises
            r.learn_steering_group(voting, day, sequence)
            return [r]
        case v1.MembersRecordedV1(region_id=rid, members=members):
            r = region(rid)
            r.learn_districts([m.kreisschluessel for m in members if m.kreisschluessel], sequence)
            return [r]
        case v1.BudgetAllocatedV1() | v1.BudgetAdjustedV1():
            b = budget(payload.region_id, payload.fund)
            b.apply_allocation(payload.amount_cents, sequence)
            return [b]
    return []
