"""Every error answer of every service: RFC 9457 problem details (application/problem+json).

`type` names the kind of problem (a URN per error class), `title` the HTTP status, `detail`
what is wrong in words a caller can act on, `instance` the path; a refused input adds
`errors`, one line per field. Every route documents the problems it can answer with, so
the OpenAPI document tells the whole truth (the API fuzzing checks it).
"""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:zukunftsregionen:problem:"


class Problem(BaseModel):
    """What went wrong (RFC 9457)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field("about:blank", description="the kind of problem (a URN)")
    title: str = Field(description="the HTTP status, in words")
    status: int
    detail: str | None = Field(None, description="what is wrong, and what to do")
    instance: str | None = Field(None, description="the path of the request")
    errors: list[str] | None = Field(None, description="each refused field, with why")


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    errors: list[str] | None = None,
) -> ProblemResponse:
    body = Problem(
        type=f"{TYPE_PREFIX}{kind}" if kind else "about:blank",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors,
    )
    return ProblemResponse(body.model_dump(exclude_none=True), status, headers=headers)


# What a route can answer besides its success: every route may refuse a caller (401, 403),
# not find what it names (404), refuse its input (422), and find its database down (503);
# a command may also conflict with the state (409) or carry too large or undecodable a
# body (413, 400).
ALWAYS = (401, 403, 404, 422, 503)
COMMANDS = (400, 409, 413)


def document(app: FastAPI) -> None:
    """Every operation of the OpenAPI document lists its problems (problem+json) unless it
    documents an answer of that status itself (the probes' 503), and the
    Problem schema is in the components (in place of FastAPI's own validation error)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for method, operation in operations.items():
                    codes = set(ALWAYS)
                    if method == "post":
                        codes |= set(COMMANDS)
                    responses = operation.setdefault("responses", {})
                    for code in sorted(codes):
                        # What a route documents itself stays (the probes' 503), except
                        # FastAPI's own 422, which our handler answers as a problem.
                        if code == 422 or str(code) not in responses:
                            responses[str(code)] = _documented(code)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _documented(code: int) -> dict[str, Any]:
    return {
        "description": HTTPStatus(code).phrase,
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
