"""The published contracts over HTTP: the JSON Schema of every public event type and
version, and the AsyncAPI document of the public topics (the files in contracts/)."""

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.reporting.api.deps import PublicReader
from shared.contracts import ASYNCAPI, SCHEMAS, published_schemas
from shared.errors import NotFound

router = APIRouter(prefix="/contracts", tags=["contracts"])


@router.get("/events", summary="The published event types and versions, with their schemas")
async def event_types(_: PublicReader) -> dict[str, str]:
    return {t: f"/contracts/events/{t}" for t in published_schemas()}


@router.get("/events/{event_type}", summary="The JSON Schema of one event type and version")
async def event_schema(event_type: str, _: PublicReader) -> JSONResponse:
    path = SCHEMAS / f"{event_type}.json"
    if path.parent != SCHEMAS or not path.is_file():
        raise NotFound(f"no published event type {event_type!r}; see /contracts/events")
    return JSONResponse(json.loads(path.read_text()), media_type="application/schema+json")


@router.get("/asyncapi.json", summary="The AsyncAPI 3 document of the public topics")
async def asyncapi(_: PublicReader) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(ASYNCAPI.read_text())
    return document
