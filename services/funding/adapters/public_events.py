"""The one place where the funding service's domain events become public events.

The project publishes its whole lifecycle and the money it moves; the budget ledgers,
the regions' registers and idempotency records are funding's own bookkeeping. No person
leaves the service: not the contact person, not the official who took a step (the public
actor is a role and an organisation), and not the step's free-text note.
"""

from collections.abc import Callable, Sequence
from typing import Any

from shared.es import envelope_for
from shared.events import CloudEvent, PublicEvent, v2
from shared.events.base import public_actor
from shared.programme import FUNDING_SOURCE

SOURCE = FUNDING_SOURCE

Make = Callable[[Any, dict[str, Any]], PublicEvent]
# The public contract knows three reasons for a release. The proof of use's reconciliation
# sets the grant below the commitment, and so may a change notice: to subscribers, a
# reduction of the grant.
PUBLIC_REASON = {"proof_of_use": "reduction", "amendment": "reduction"}


def _vote(contract: type[v2.ProjectEndorsedV2] | type[v2.ProjectRejectedV2]) -> Make:
    return lambda e, c: contract(
        **c,
        votes_for=e.votes_for,
        votes_against=e.votes_against,
        abstentions=e.abstentions,
        voted_on=e.voted_on,
    )


_PROJECT: dict[str, Make] = {
    "PriorityCheckRecorded": lambda e, c: v2.PriorityCheckRecordedV2(
        **c, outcome=e.outcome, other_programme=e.other_programme
    ),
    "Endorsed": _vote(v2.ProjectEndorsedV2),
    "Rejected": _vote(v2.ProjectRejectedV2),
    "Submitted": lambda e, c: v2.ApplicationSubmittedV2(**c),
    "GrantAmended": lambda e, c: v2.GrantAmendedV1(
        **c,
        fund=e.fund,
        end_date=e.end_date,
        total_cost_cents=e.total_cost_cents,
        eligible_cost_cents=e.eligible_cost_cents,
        grant_cents=e.grant_cents,
        decided_on=e.decided_on,
    ),
    "Refused": lambda e, c: v2.GrantRefusedV2(**c),
    "PaymentRequested": lambda e, c: v2.PaymentRequestedV2(
        **c,
        request_no=e.request_no,
        declared_expenditure_cents=e.declared_expenditure_cents,
        amount_cents=e.amount_cents,
    ),
    "Disbursed": lambda e, c: v2.FundsDisbursedV2(**c, amount_cents=e.amount_cents),
    "Recovered": lambda e, c: v2.FundsRecoveredV3(
        **c, amount_cents=e.amount_cents, open_claim_cents=e.open_claim_cents
    ),
    "Released": lambda e, c: v2.FundsReleasedV2(
        **c, amount_cents=e.amount_cents, reason=PUBLIC_REASON.get(e.reason, e.reason)
    ),
    "ProofOfUseAccepted": lambda e, c: (
        v2.ProofOfUseAcceptedV2(**c, eligible_expenditure_cents=e.eligible_expenditure_cents)
        if e.final_grant_cents is None  # recorded before the reconciliation (v1)
        else v2.ProofOfUseAcceptedV3(
            **c,
            eligible_expenditure_cents=e.eligible_expenditure_cents,
            final_grant_cents=e.final_grant_cents,
            recovery_claim_cents=e.recovery_claim_cents,
            final_payment_cents=e.final_payment_cents,
        )
    ),
    "Closed": lambda e, c: v2.ProjectClosedV2(**c),
    "Withdrawn": lambda e, c: v2.ProjectWithdrawnV2(**c),
}
_MONEY = {"PaymentRequested", "Disbursed", "Recovered", "Released"}


def to_public(e: Any) -> Sequence[CloudEvent]:
    kind = type(e).__qualname__
    if not kind.startswith("Project."):
        return []
    name = kind.removeprefix("Project.")
    if name not in _PROJECT and name not in ("Proposed", "Approved", "CommitmentRaised"):
        return []  # funding's own bookkeeping (the contact person's erasure among it)
    common: dict[str, Any] = {
        "actor": public_actor(e.meta["actor"]),
        "occurred_at": e.timestamp,
        "project_id": e.originator_id,
        "region_id": e.region_id,
    }
    payload: PublicEvent
    if name == "Proposed":
        payload = v2.ProjectProposedV2(
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
    elif name in ("Approved", "CommitmentRaised"):  # a change notice commits the difference
        payload = v2.FundsCommittedV3(
            **common,
            fund=e.fund,
            amount_cents=e.amount_cents,
            eligible_cost_cents=e.eligible_cost_cents,
            funding_rate=e.funding_rate,
            decided_on=e.decided_on,
        )
    elif name in _PROJECT:
        if name in _MONEY:
            common["fund"] = e.fund
        payload = _PROJECT[name](e, common)
    else:
        return []
    subject = f"projects/{e.region_id}/{e.originator_id}"
    return [envelope_for(e, payload, source=SOURCE, subject=subject)]
