"""Rule: the proof of use (Verwendungsnachweis) reconciles the grant. The final grant is the
eligible expenditure x the rate, capped by the commitment; what was paid beyond it is a
recovery claim (Rückforderung), open until its repayment is recorded; what is due beyond
the payments is the final payment; the rest of the commitment is released."""

import pytest

from services.funding.application.commands import (
    Disbursement,
    PaymentRequest,
    ProofOfUse,
    Recovery,
    Step,
)
from services.funding.application.funding import FundingApplication
from services.funding.domain.rules import NotEnoughMoney, StepOutOfOrder
from tests.unit.funding_world import EUR, NBANK, RM, approved, available


def paid(funding: FundingApplication, euros: int) -> object:
    """An approved project (600,000 € committed at 60 %) with `euros` paid out."""
    pid = approved(funding)
    declared = PaymentRequest(declared_expenditure_cents=-(-euros * EUR * 10 // 6), note=None)
    funding.request_payment(pid, declared, RM)  # type: ignore[arg-type]
    funding.disburse(pid, Disbursement(amount_cents=euros * EUR, note=None), NBANK)  # type: ignore[arg-type]
    return pid


def proof(funding: FundingApplication, pid: object, euros: int) -> object:
    body = ProofOfUse(eligible_expenditure_cents=euros * EUR, note="VN geprüft")
    return funding.accept_proof_of_use(pid, body, NBANK)  # type: ignore[arg-type]


def test_paid_beyond_the_final_grant_is_claimed_back_until_repaid(
    funding: FundingApplication,
) -> None:
    pid = paid(funding, 120_000)
    state = proof(funding, pid, 1_000)  # 60 % of 1,000 € eligible: a final grant of 600 €
    assert state.final_grant_cents == 600 * EUR  # type: ignore[attr-defined]
    assert state.open_claim_cents == 119_400 * EUR  # type: ignore[attr-defined]
    # The commitment not paid out goes back at once; the claim, once repaid.
    assert available(funding) == (6_000_000 - 120_000) * EUR
    with pytest.raises(StepOutOfOrder, match=r"119\.400,00 € of a recovery claim are open"):
        funding.close_project(pid, Step(note=None), NBANK)  # type: ignore[arg-type]
    part = funding.recover(pid, Recovery(amount_cents=100_000 * EUR, note="1. Rate"), NBANK)  # type: ignore[arg-type]
    assert part.open_claim_cents == 19_400 * EUR
    with pytest.raises(NotEnoughMoney, match=r"19\.400,00 € of the claim are open"):
        funding.recover(pid, Recovery(amount_cents=20_000 * EUR, note="zu viel"), NBANK)  # type: ignore[arg-type]
    rest = funding.recover(pid, Recovery(amount_cents=19_400 * EUR, note="Rest"), NBANK)  # type: ignore[arg-type]
    assert (
        rest.open_claim_cents,
        rest.grant_cents,
        rest.disbursed_cents - rest.recovered_cents,
    ) == (
        0,
        600 * EUR,
        600 * EUR,
    )
    closed = funding.close_project(pid, Step(note=None), NBANK)  # type: ignore[arg-type]
    assert closed.stage == "closed"
    assert available(funding) == (6_000_000 - 600) * EUR


def test_due_beyond_the_payments_is_the_final_payment(funding: FundingApplication) -> None:
    pid = paid(funding, 100_000)
    state = proof(funding, pid, 500_000)  # a final grant of 300,000 €
    assert (state.final_grant_cents, state.final_payment_cents, state.open_claim_cents) == (  # type: ignore[attr-defined]
        300_000 * EUR,
        200_000 * EUR,
        0,
    )
    assert available(funding) == (6_000_000 - 300_000) * EUR  # 300,000 € released
    with pytest.raises(StepOutOfOrder, match=r"final payment of 200\.000,00 € is due"):
        funding.close_project(pid, Step(note=None), NBANK)  # type: ignore[arg-type]
    with pytest.raises(NotEnoughMoney):
        funding.disburse(pid, Disbursement(amount_cents=200_000 * EUR + 1, note=None), NBANK)  # type: ignore[arg-type]
    # The proof of use is the last request: the final payment needs no other.
    funding.disburse(pid, Disbursement(amount_cents=200_000 * EUR, note="Schlusszahlung"), NBANK)  # type: ignore[arg-type]
    closed = funding.close_project(pid, Step(note=None), NBANK)  # type: ignore[arg-type]
    assert (closed.stage, closed.disbursed_cents, closed.final_payment_cents) == (
        "closed",
        300_000 * EUR,
        0,
    )
    assert available(funding) == (6_000_000 - 300_000) * EUR


def test_the_final_grant_never_exceeds_the_commitment(funding: FundingApplication) -> None:
    pid = paid(funding, 100_000)
    state = proof(funding, pid, 2_000_000)  # 60 % would be 1.2 m; 600,000 € are committed
    assert (state.final_grant_cents, state.final_payment_cents) == (600_000 * EUR, 500_000 * EUR)  # type: ignore[attr-defined]
    assert available(funding) == (6_000_000 - 600_000) * EUR


def test_money_paid_back_after_the_claim_is_never_paid_out_again(
    funding: FundingApplication,
) -> None:
    pid = paid(funding, 120_000)
    proof(funding, pid, 250_000)  # a final grant of 150,000 €: 30,000 € are due
    funding.disburse(pid, Disbursement(amount_cents=30_000 * EUR, note=None), NBANK)  # type: ignore[arg-type]
    # An irregularity found later: 100,000 € paid back. The grant shrinks with it; nothing
    # of it becomes due again.
    back = funding.recover(pid, Recovery(amount_cents=100_000 * EUR, note="Prüfung"), NBANK)  # type: ignore[arg-type]
    assert (back.final_payment_cents, back.grant_cents) == (0, 50_000 * EUR)
    with pytest.raises(NotEnoughMoney):
        funding.disburse(pid, Disbursement(amount_cents=1, note=None), NBANK)  # type: ignore[arg-type]
    closed = funding.close_project(pid, Step(note=None), NBANK)  # type: ignore[arg-type]
    assert (closed.stage, closed.released_cents) == ("closed", 450_000 * EUR)  # at the proof
    assert available(funding) == (6_000_000 - 50_000) * EUR
