"""The one place where the regions service's domain events become public events.

The programme's own bookkeeping (admissions, bookings) stays inside: what a region was
allocated is published once, by the region, keyed by the region, in the region's order.
"""

from collections.abc import Callable, Sequence
from typing import Any

from services.regions.domain.programme import Programme
from services.regions.domain.region import Region
from shared.es import envelope_for
from shared.events import CloudEvent, PublicEvent, v2
from shared.events.base import public_actor
from shared.programme import REGIONS_SOURCE

SOURCE = REGIONS_SOURCE


def _common(e: Any) -> dict[str, Any]:
    """Who (the role and organisation: never the person) and when."""
    return {"actor": public_actor(e.meta["actor"]), "occurred_at": e.timestamp}


def _region_id(region_event: Any, e: Any) -> dict[str, Any]:
    return {**_common(e), "region_id": region_event}


_REGION: dict[type, Callable[[Any, str], PublicEvent]] = {
    Region.Recognised: lambda e, rid: v2.RegionRecognisedV2(
        **_region_id(rid, e),
        region_name=e.name,
        arl=e.arl,
        recognised_on=e.recognised_on,
        announced_budget_cents=e.announced_budget_cents,
        notes=e.notes,
    ),
    Region.MembersRecorded: lambda e, rid: v2.MembersRecordedV2(  # type: ignore[attr-defined]
        **_region_id(rid, e), members=e.members, lead_partner=e.lead_partner, note=e.note
    ),
    Region.ZukunftskonzeptAdopted: lambda e, rid: v2.ZukunftskonzeptAdoptedV2(  # type: ignore[attr-defined]
        **_region_id(rid, e), handlungsfelder=e.handlungsfelder, adopted_on=e.adopted_on
    ),
    Region.HandlungsfelderAmended: lambda e, rid: v2.HandlungsfelderAmendedV1(  # type: ignore[attr-defined]
        **_region_id(rid, e),
        handlungsfelder=e.handlungsfelder,
        reason=e.reason,
        amended_on=e.amended_on,
    ),
    Region.SteeringGroupConstituted: lambda e, rid: v2.SteeringGroupConstitutedV2(  # type: ignore[attr-defined]
        **_region_id(rid, e), seats=e.seats, constituted_on=e.constituted_on
    ),
    Region.RegionalManagementEstablished: lambda e, rid: v2.RegionalManagementEstablishedV2(  # type: ignore[attr-defined]
        **_region_id(rid, e),
        host_organisation=e.host_organisation,
        annual_grant_cents=e.annual_grant_cents,
        annual_cap_cents=e.annual_cap_cents,
        established_on=e.established_on,
    ),
    Region.RegionalManagementGranted: lambda e, rid: v2.RegionalManagementGrantedV1(  # type: ignore[attr-defined]
        **_region_id(rid, e), **e.grant, decided_on=e.decided_on
    ),
    Region.BudgetAllocated: lambda e, rid: v2.BudgetAllocatedV2(  # type: ignore[attr-defined]
        **_region_id(rid, e), fund=e.fund, amount_cents=e.amount_cents, basis=e.basis, note=e.note
    ),
    Region.BudgetAdjusted: lambda e, rid: v2.BudgetAdjustedV2(  # type: ignore[attr-defined]
        **_region_id(rid, e),
        fund=e.fund,
        previous_cents=e.previous_cents,
        amount_cents=e.amount_cents,
        reason=e.reason,
    ),
}


def to_public(e: Any) -> Sequence[CloudEvent]:
    if isinstance(e, Programme.Opened):  # type: ignore[attr-defined]
        payload: PublicEvent = v2.ProgrammeOpenedV2(
            **_common(e),
            programme_id=e.key,
            programme_name=e.name,
            envelope_cents=e.envelope_cents,
            funds=e.funds,
        )
        return [envelope_for(e, payload, source=SOURCE, subject=f"programme/{e.key}")]
    make = _REGION.get(type(e))
    if make is None:
        return []
    rid = e.region_id
    return [envelope_for(e, make(e, rid), source=SOURCE, subject=f"regions/{rid}")]
