"""Idempotency fingerprints: what was asked, so that a command gaining an optional field
(FundsCommitted v2 gave approvals a decision date) does not refuse the retry of a request
recorded before; a different request under the same key is still refused."""

from datetime import date
from uuid import uuid4

import pytest
from pydantic import BaseModel
from starlette.requests import Request

from shared.idempotency import IdempotencyKeyReused, IdempotencyRecord, _fingerprint, for_request

COMMAND = "POST /projects/1/approval"


class ApprovalBefore(BaseModel):
    note: str | None = None


class ApprovalNow(BaseModel):
    note: str | None = None
    decided_on: date | None = None


def request() -> Request:
    return Request({
        "type": "http", "method": "POST", "path": "/projects/1/approval", "headers": [],
        "query_string": b"", "scheme": "http", "server": ("test", 80), "root_path": "",
    })  # fmt: skip


def recorded_before(body: BaseModel) -> IdempotencyRecord:
    """A record as the previous version wrote it: every field in the fingerprint."""
    return IdempotencyRecord(
        uuid4(), _fingerprint(COMMAND, body.model_dump(mode="json")), {"ok": 1}
    )


def test_a_retry_of_a_request_recorded_before_a_field_was_added_is_recognised() -> None:
    record = recorded_before(ApprovalBefore(note="Bescheid"))
    retry = for_request("k-1", "nbank-1", request(), ApprovalNow(note="Bescheid"))
    assert retry is not None and record.result_for(retry) == {"ok": 1}


def test_a_different_request_under_the_same_key_is_refused() -> None:
    record = recorded_before(ApprovalBefore(note="Bescheid"))
    other = for_request(
        "k-1", "nbank-1", request(), ApprovalNow(note="Bescheid", decided_on=date(2026, 3, 2))
    )
    assert other is not None
    with pytest.raises(IdempotencyKeyReused, match="used before for a different request"):
        record.result_for(other)


def test_defaults_sent_or_left_out_are_the_same_request() -> None:
    sent = for_request("k-2", "rm-1", request(), ApprovalNow.model_validate({"decided_on": None}))
    left_out = for_request("k-2", "rm-1", request(), ApprovalNow.model_validate({}))
    assert sent is not None and left_out is not None
    assert sent.fingerprint == left_out.fingerprint
