"""The one place where the funding service's domain events become public events.

The project publishes its whole lifecycle and the money it moves; the budget ledgers,
the regions' registers and idempotency records are funding's own bookkeeping. The
contact person (a natural person) never leaves the service.
"""

from collections.abc import Callable, Sequence
from typing import Any

from shared.es import envelope_for
from shared.events import Actor, CloudEvent, PublicEvent, v1, v2
from shared.topics import FUNDING_SOURCE

SOURCE = FUNDING_SOURCE

Make = Callable[[Any, dict[str, Any]], PublicEvent]


def _vote(contract: type[v1.ProjectEndorsedV1] | type[v1.ProjectRejectedV1]) -> Make:
    return lambda e, c: contract(
        **c,
        votes_for=e.votes_for,
        votes_against=e.votes_against,
        abstentions=e.abstentions,
        voted_on=e.voted_on,
    )


_PROJECT: dict[str, Make] = {
    "PriorityCheckRecorded": lambda e, c: v1.PriorityCheckRecordedV1(
        **c, outcome=e.outcome, other_programme=e.other_programme
    ),
    "Endorsed": _vote(v1.ProjectEndorsedV1),
    "Rejected": _vote(v1.ProjectRejectedV1),
    "Submitted": lambda e, c: v1.ApplicationSubmittedV1(**c),
    "Refused": lambda e, c: v1.GrantRefusedV1(**c),
    "PaymentRequested": lambda e, c: v1.PaymentRequestedV1(
        **c,
        request_no=e.request_no,
        declared_expenditure_cents=e.declared_expenditure_cents,
        amount_cents=e.amount_cents,
    ),
    "Disbursed": lambda e, c: v1.FundsDisbursedV1(**c, amount_cents=e.amount_cents),
    "Recovered": lambda e, c: v1.FundsRecoveredV1(**c, amount_cents=e.amount_cents),
    "Released": lambda e, c: v1.FundsReleasedV1(**c, amount_cents=e.amount_cents, reason=e.reason),
    "ProofOfUseAccepted": lambda e, c: v1.ProofOfUseAcceptedV1(
        **c, eligible_expenditure_cents=e.eligible_expenditure_cents
    ),
    "Closed": lambda e, c: v1.ProjectClosedV1(**c),
    "Withdrawn": lambda e, c: v1.ProjectWithdrawnV1(**c),
}
_MONEY = {"PaymentRequested", "Disbursed", "Recovered", "Released"}


def to_public(e: Any) -> Sequence[CloudEvent]:
    kind = type(e).__qualname__
    if not kind.startswith("Project."):
        return []
    name = kind.removeprefix("Project.")
    if name not in _PROJECT and name not in ("Proposed", "Approved"):
        return []  # funding's own bookkeeping (the contact person's erasure among it)
    common: dict[str, Any] = {
        "actor": Actor.model_validate(e.meta["actor"]),
        "occurred_at": e.timestamp,
        "project_id": e.originator_id,
        "region_id": e.region_id,
    }
    payload: PublicEvent
    if name == "Proposed":
        payload = v1.ProjectProposedV1(
            **common,
            operation_code=e.operation_code,
            title=e.title,
            purpose=e.purpose,
            applicant_name=e.applicant_name,
            applicant_kind=e.applicant_kind,
            handlungsfeld=e.handlungsfeld,
            fund=e.fund,
            location_ags=e.location_ags,
            start_date=e.start_date,
            end_date=e.end_date,
            total_cost_cents=e.total_cost_cents,
            eligible_cost_cents=e.eligible_cost_cents,
            kind=e.kind,
        )
    elif name == "Approved":
        payload = v2.FundsCommittedV2(
            **common,
            fund=e.fund,
            amount_cents=e.amount_cents,
            eligible_cost_cents=e.eligible_cost_cents,
            funding_rate=e.funding_rate,
            decided_on=e.decided_on,
            note=e.note,
        )
    elif name in _PROJECT:
        common["note"] = e.note
        if name in _MONEY:
            common["fund"] = e.fund
        payload = _PROJECT[name](e, common)
    else:
        return []
    subject = f"projects/{e.region_id}/{e.originator_id}"
    return [envelope_for(e, payload, source=SOURCE, subject=subject)]
