"""Idempotent commands: a retry with the same `Idempotency-Key` returns the first result.

The key is an aggregate of its own, saved in the same atomic `save()` as the command's
events; so the command and its key are stored together or not at all. A second request
with the key finds the record and gets the stored result; a concurrent one loses the
save on the key's version, runs again, and then finds it. Only successful results are
kept: a refused command left nothing behind and may be tried again.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from fastapi import Header, Request
from pydantic import BaseModel

from shared.errors import DomainError
from shared.es import stable_id

# Marks a request field that holds personal data: Field(..., json_schema_extra=PERSONAL_DATA)
PERSONAL = "x-personal-data"
PERSONAL_DATA: dict[str, Any] = {PERSONAL: True}


class IdempotencyKeyReused(DomainError):
    """The key was used before for a different request (HTTP 422)."""


@dataclass(frozen=True)
class Idempotency:
    """A caller's key for one request, and the request's fingerprint."""

    key: str
    caller: str
    fingerprint: str
    # Fingerprints the same request had when it was recorded by an earlier version.
    also: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, key: str, caller: str, command: str, args: dict[str, Any], *legacy: dict[str, Any]
    ) -> "Idempotency":
        return cls(
            key,
            caller,
            _fingerprint(command, args),
            frozenset(_fingerprint(command, a) for a in legacy),
        )

    @property
    def record_id(self) -> UUID:
        return stable_id("idempotency", f"{self.caller}\n{self.key}")


class IdempotencyRecord(Aggregate):
    @staticmethod
    def create_id(record_id: UUID, **_: Any) -> UUID:
        return record_id

    @event("Recorded")
    def __init__(self, record_id: UUID, fingerprint: str, result: dict[str, Any]) -> None:
        self.fingerprint = fingerprint
        self.result = result

    def result_for(self, idem: Idempotency) -> dict[str, Any]:
        if self.fingerprint != idem.fingerprint and self.fingerprint not in idem.also:
            raise IdempotencyKeyReused(
                f"Idempotency-Key {idem.key!r} was used before for a different request"
            )
        return self.result


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="a retry with the same key returns the first result",
    ),
]


def for_request(
    key: str | None, caller: str, request: Request, body: BaseModel | None = None
) -> Idempotency | None:
    """The idempotency of an HTTP command: the key, the caller, and what was asked."""
    if key is None:
        return None
    command = f"{request.method} {request.url.path}"
    if body is None:
        return Idempotency.of(key, caller, command, {})
    # What was asked, without defaults: a field added to a command later (with a default)
    # does not make a retry of an earlier request look different. Records made before
    # this rule fingerprinted every field; they are still recognised. Personal data is
    # never part of a fingerprint: a hash of a name outlives the name's erasure.
    private = personal_fields(type(body))
    everything = body.model_dump(mode="json", exclude=private)
    legacy = (everything, {k: v for k, v in everything.items() if v is not None})
    asked = body.model_dump(mode="json", exclude_defaults=True, exclude=private)
    return Idempotency.of(key, caller, command, asked, *legacy)


def personal_fields(model: type[BaseModel]) -> set[str]:
    """The fields of a request that hold personal data (marked with `PERSONAL_DATA`)."""
    return {
        name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get(PERSONAL)
    }


def _fingerprint(command: str, args: dict[str, Any]) -> str:
    body = json.dumps([command, args], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()
