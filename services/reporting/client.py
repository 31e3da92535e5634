"""Typed client of the reporting service for internal callers (shared/client.py)."""

from typing import Any
from uuid import UUID

from services.reporting.api.audit import AuditEntry
from services.reporting.api.money import Day, Overview, RegionFigures
from services.reporting.api.projects import ProjectRow
from services.reporting.api.regions import RegionRow
from shared.client import ServiceClient


class ReportingClient(ServiceClient):
    service = "reporting"

    def overview(self, as_of: str | None = None) -> Overview:
        """`as_of`: a date (end of that day, German time) or a moment (ISO 8601)."""
        return self.get("/overview", Overview, as_of=as_of)

    def region_funds(self, region_id: str, as_of: str | None = None) -> RegionFigures:
        return self.get(f"/regions/{region_id}/funds", RegionFigures, as_of=as_of)

    def timeline(self, region_id: str | None = None, as_of: str | None = None) -> list[Day]:
        return self.get("/timeline", list[Day], region_id=region_id, as_of=as_of)

    def regions(self) -> list[RegionRow]:
        return self.get("/regions", list[RegionRow])

    def projects(
        self,
        *,
        region_id: str | None = None,
        stage: str | None = None,
        fund: str | None = None,
        handlungsfeld: str | None = None,
        as_of: str | None = None,
    ) -> list[ProjectRow]:
        return self.get(
            "/projects", list[ProjectRow], region_id=region_id, stage=stage, fund=fund,
            handlungsfeld=handlungsfeld, as_of=as_of,
        )  # fmt: skip

    def project(self, project_id: UUID | str) -> ProjectRow:
        return self.get(f"/projects/{project_id}", ProjectRow)

    def audit_events(self, aggregate_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """The first `limit` entries, in order of time."""
        return self.get(
            "/audit/events", list[AuditEntry], every_page=False, aggregate_id=aggregate_id,
            limit=limit,
        )  # fmt: skip

    def operations(self) -> list[dict[str, Any]]:
        """The list of operations (Art. 49(3) CPR) as JSON rows."""
        return self.get("/reports/operations", list[dict[str, Any]], format="json")

    def event_schemas(self) -> dict[str, str]:
        return self.get("/contracts/events", dict[str, str])
