"""The small rules of the logs: which correlation ids a caller may set, and that answered
probes are not logged (a failed one is)."""

import logging

import pytest

from shared.observability import _answered_probe, usable

ACCESS = '%s - "%s %s HTTP/%s" %d'


def access(path: str, status: int) -> logging.LogRecord:
    args = ("127.0.0.1:5000", "GET", path, "1.1", status)
    return logging.LogRecord("uvicorn.access", logging.INFO, "", 0, ACCESS, args, None)


@pytest.mark.parametrize("path", ["/readyz", "/livez", "/health", "/metrics"])
def test_an_answered_probe_is_not_logged(path: str) -> None:
    assert not _answered_probe(access(path, 200))


def test_a_failed_probe_and_every_other_request_are_logged() -> None:
    assert _answered_probe(access("/readyz", 503))
    assert _answered_probe(access("/regions", 200))


@pytest.mark.parametrize("given", ["abc-123", "ä" * 200])
def test_a_callers_correlation_id_is_kept(given: str) -> None:
    assert usable(given) == given


@pytest.mark.parametrize("given", [None, "", "x" * 201, "a\nb", "nul\x00"])
def test_an_unusable_correlation_id_is_replaced(given: str | None) -> None:
    assert usable(given) is None
