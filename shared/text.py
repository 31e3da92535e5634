"""Text and numbers every store can hold: the bounds of every request and every contract.

PostgreSQL's text and jsonb cannot hold NUL, and control characters have no business in a
title or a note; a lone surrogate cannot even be encoded (pydantic refuses it already).
`Line` is one line; `Text` may hold tabs and line breaks. Money is bounded far above the
programme (96 m euros) and far inside a bigint, so sums of many amounts still fit.
Dates lie in the years a programme can be about, so every date and time converts to
and from every store without overflow.
"""

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
LINE_PATTERN = rf"^[^{_CONTROL}\t\n\r]*$"
TEXT_PATTERN = rf"^[^{_CONTROL}]*$"

Line = Annotated[str, Field(pattern=LINE_PATTERN)]
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]

# 100 billion euros: a thousand times the programme's envelope; 92,000 of them fit a bigint.
MAX_CENTS = 10**13
# Counts (votes, payment requests, an aggregate's events) fit a PostgreSQL integer.
MAX_COUNT = 2**31 - 1

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def _plausible_date(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must lie between {EARLIEST} and {LATEST}")
    return day


def _plausible_moment(moment: datetime) -> datetime:
    _plausible_date(moment.astimezone(UTC).date())
    return moment


Day = Annotated[date, AfterValidator(_plausible_date)]
Moment = Annotated[AwareDatetime, AfterValidator(_plausible_moment)]


def has_control_characters(value: object) -> bool:
    """Whether a string anywhere in a JSON value (keys too) holds a control character."""
    if isinstance(value, str):
        return any((ord(c) < 0x20 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F for c in value)
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_control_characters(v) for v in value)
    return False
