"""Typed client of the regions service for internal callers (shared/client.py)."""

from datetime import datetime

from services.regions.api.schemas import (
    BudgetAdjust,
    BudgetAllocate,
    HandlungsfelderAmend,
    MembersRecord,
    ProgrammeOpen,
    RegionalManagementEstablish,
    RegionRecognise,
    SteeringGroupConstitute,
    ZukunftskonzeptAdopt,
)
from services.regions.application.views import ProgrammeState, RegionState
from shared.client import ServiceClient
from shared.history import HistoryEntry


class RegionsClient(ServiceClient):
    service = "regions"

    def programme(self) -> ProgrammeState:
        return self.get("/programme", ProgrammeState)

    def open_programme(self, body: ProgrammeOpen) -> ProgrammeState:
        return self.command("/programme", body, ProgrammeState)

    def regions(self) -> list[RegionState]:
        return self.get("/regions", list[RegionState])

    def region(self, region_id: str, as_of: datetime | None = None) -> RegionState:
        at = as_of.isoformat() if as_of else None
        return self.get(f"/regions/{region_id}", RegionState, as_of=at)

    def history(self, region_id: str) -> list[HistoryEntry]:
        return self.get(f"/regions/{region_id}/history", list[HistoryEntry])

    def recognise(self, body: RegionRecognise) -> RegionState:
        return self.command("/regions", body, RegionState)

    def record_members(self, region_id: str, body: MembersRecord) -> RegionState:
        return self.command(f"/regions/{region_id}/members", body, RegionState)

    def adopt_zukunftskonzept(self, region_id: str, body: ZukunftskonzeptAdopt) -> RegionState:
        return self.command(f"/regions/{region_id}/zukunftskonzept", body, RegionState)

    def amend_handlungsfelder(self, region_id: str, body: HandlungsfelderAmend) -> RegionState:
        return self.command(f"/regions/{region_id}/zukunftskonzept/amendments", body, RegionState)

    def constitute_steering_group(
        self, region_id: str, body: SteeringGroupConstitute
    ) -> RegionState:
        return self.command(f"/regions/{region_id}/steering-group", body, RegionState)

    def establish_regional_management(
        self, region_id: str, body: RegionalManagementEstablish
    ) -> RegionState:
        return self.command(f"/regions/{region_id}/regional-management", body, RegionState)

    def allocate(self, region_id: str, body: BudgetAllocate) -> RegionState:
        return self.command(f"/regions/{region_id}/budget", body, RegionState)

    def adjust(self, region_id: str, body: BudgetAdjust) -> RegionState:
        return self.command(f"/regions/{region_id}/budget/adjustments", body, RegionState)
