"""FundsCommitted v2: the date of the grant decision.

A v2 is a superset of its v1: every v1 field keeps its name, type and meaning, so a
subscriber that knows only v1 reads a v2 message with its v1 schema (the compatibility
test checks this). What v2 adds is required, which is why it could not be added to v1.
"""

from datetime import date

from pydantic import Field

from shared.events.base import contract
from shared.events.v1.funding import FundsCommittedV1


@contract
class FundsCommittedV2(FundsCommittedV1):
    """NBank approved a grant (Bewilligung); the amount is committed against the budget.

    v2 adds the date of the grant decision (Bewilligungsdatum) as it stands on the notice;
    the time of the event is when it was recorded. Commitments recorded before v2 carry
    the day they were recorded (German time).
    """

    name = "FundsCommitted"
    version = 2

    decided_on: date = Field(description="date of the grant decision (Bewilligungsbescheid)")


__all__ = ["FundsCommittedV2"]
