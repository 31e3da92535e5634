"""Project (Vorhaben): from proposal to closure. Each step checks the stage and the rules,
then records who, when and why. Steps that move money return the movements, which the
application books on the region's budget in the same save.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.funding.domain.rules import (
    Movement,
    NotEnoughMoney,
    NothingToErase,
    ProjectRuleBroken,
    Score,
    SteeringGroup,
    StepOutOfOrder,
    check_frame,
    check_vote,
)
from shared.es import stable_id
from shared.money import apply_rate, format_eur
from shared.personal_data import Sealed
from shared.programme import BERLIN, Stage, funding_rate

WITHDRAWABLE = ("proposed", "priority_checked", "endorsed", "submitted", "approved")


def project_id_for(operation_code: str) -> UUID:
    return stable_id("project", operation_code)


class Project(Aggregate):
    @staticmethod
    def create_id(operation_code: str, **_: Any) -> UUID:
        return project_id_for(operation_code)

    class Proposed(Aggregate.Created):
        """Version 2 keeps the contact person sealed (shared/personal_data.py); version 1
        held the name in plain text, which is not read any more. Version 3 keeps the note
        sent with the proposal, as every other step keeps its own."""

        class_version = 3
        operation_code: str
        region_id: str
        title: str
        purpose: str
        applicant_name: str
        applicant_kind: str
        contact_person: Sealed | None
        handlungsfeld: str
        fund: str
        location_ags: str
        start_date: date
        end_date: date
        total_cost_cents: int
        eligible_cost_cents: int
        kind: str
        meta: dict[str, Any]
        note: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["contact_person"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["note"] = None

    @event(Proposed)
    def __init__(
        self,
        operation_code: str,
        region_id: str,
        title: str,
        purpose: str,
        applicant_name: str,
        applicant_kind: str,
        contact_person: Sealed | None,
        handlungsfeld: str,
        fund: str,
        location_ags: str,
        start_date: date,
        end_date: date,
        total_cost_cents: int,
        eligible_cost_cents: int,
        kind: str,
        meta: dict[str, Any],
        note: str | None = None,
    ) -> None:
        self.operation_code = operation_code
        self.region_id = region_id
        self.title = title
        self.purpose = purpose
        self.applicant_name = applicant_name
        self.applicant_kind = applicant_kind
        self.contact_person = contact_person
        self.contact_person_erased = False
        self.handlungsfeld = handlungsfeld
        self.fund = fund
        self.location_ags = location_ags
        self.start_date = start_date
        self.end_date = end_date
        self.total_cost_cents = total_cost_cents
        self.eligible_cost_cents = eligible_cost_cents
        self.decided_on: date | None = None  # the grant's last decision
        self.kind = kind
        self.stage: Stage = "proposed"
        self.committed = self.disbursed = self.released = self.recovered = 0
        self.requested = 0
        self.payment_requests = 0
        self.eligible_expenditure_cents: int | None = None
        # After the proof of use: the final grant, and what of a recovery claim is open.
        self.final_grant: int | None = None
        self.open_claim = 0
        self.scores: list[Score] = []  # of the steering group's vote

    @property
    def funding_rate(self) -> Decimal:
        return funding_rate(self.location_ags)

    @property
    def net_committed(self) -> int:
        return self.committed - self.released - self.recovered

    @property
    def net_disbursed(self) -> int:
        return self.disbursed - self.recovered

    @property
    def final_payment_due(self) -> int:
        """What the final grant still owes beyond the payments (after the proof of use).
        Money paid back later (an irregularity) lowers the grant with it: it never falls
        due again."""
        if self.final_grant is None:
            return 0
        return max(min(self.final_grant, self.net_committed) - self.net_disbursed, 0)

    def _expect(self, step: str, *stages: str) -> None:
        if self.stage not in stages:
            raise StepOutOfOrder(
                f"order of steps: {step} needs a project that is {' or '.join(stages)}; "
                f"{self.operation_code} is {self.stage}"
            )

    # personal data ---------------------------------------------------------------------

    def erase_contact_person(self, note: str | None, meta: dict[str, Any]) -> Sealed:
        """Record that the contact person's key is erased (the name goes with it)."""
        if self.contact_person is None:
            raise NothingToErase(f"{self.operation_code} has no contact person (any more)")
        sealed = self.contact_person
        self._contact_person_erased(sealed["key_id"], note, meta)
        return sealed

    @event("ContactPersonErased")
    def _contact_person_erased(self, key_id: str, note: str | None, meta: dict[str, Any]) -> None:
        self.contact_person = None
        self.contact_person_erased = True

    # selection ------------------------------------------------------------------------

    def record_priority_check(
        self, passed: bool, other_programme: str | None, note: str | None, meta: dict[str, Any]
    ) -> list[Movement]:
        self._expect("the priority check", "proposed")
        self._priority_checked(
            self.region_id,
            self.fund,
            "passed" if passed else "other_programme_first",
            other_programme,
            note,
            meta,
        )
        return []

    @event("PriorityCheckRecorded")
    def _priority_checked(
        self,
        region_id: str,
        fund: str,
        outcome: str,
        other_programme: str | None,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.stage = "priority_checked" if outcome == "passed" else "referred_elsewhere"

    def record_vote(
        self,
        group: SteeringGroup | None,
        votes_for: int,
        votes_against: int,
        abstentions: int,
        voted_on: date,
        scores: list[Score],
        note: str | None,
        meta: dict[str, Any],
    ) -> list[Movement]:
        """The steering group's vote with its scoring; endorsed when more vote for than
        against (rules.check_vote: who may vote, the quorum, the dates)."""
        self._expect("the steering group's vote", "priority_checked")
        check_vote(
            group, votes_for=votes_for, votes_against=votes_against, abstentions=abstentions,
            voted_on=voted_on, today=datetime.now(BERLIN).date(), scores=scores,
        )  # fmt: skip
        args = (votes_for, votes_against, abstentions, voted_on, scores, note, meta)
        if votes_for > votes_against:
            self._endorsed(self.region_id, self.fund, *args)
        else:
            self._rejected(self.region_id, self.fund, *args)
        return []

    class Voted(Aggregate.Event):
        """The steering group's vote. Version 2 records the scoring (Projektbewertung);
        version 1 had none."""

        class_version = 2
        region_id: str
        fund: str
        votes_for: int
        votes_against: int
        abstentions: int
        voted_on: date
        scores: list[Score]
        note: str | None
        meta: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["scores"] = []

    class Endorsed(Voted):
        pass

    @event(Endorsed)
    def _endorsed(
        self,
        region_id: str,
        fund: str,
        votes_for: int,
        votes_against: int,
        abstentions: int,
        voted_on: date,
        scores: list[Score],
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.stage = "endorsed"
        self.scores = scores

    class Rejected(Voted):
        pass

    @event(Rejected)
    def _rejected(
        self,
        region_id: str,
        fund: str,
        votes_for: int,
        votes_against: int,
        abstentions: int,
        voted_on: date,
        scores: list[Score],
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.stage = "rejected"
        self.scores = scores

    def submit(self, note: str | None, meta: dict[str, Any]) -> list[Movement]:
        self._expect("submitting the application", "endorsed")
        self._submitted(self.region_id, self.fund, note, meta)
        return []

    @event("Submitted")
    def _submitted(self, region_id: str, fund: str, note: str | None, meta: dict[str, Any]) -> None:
        self.stage = "submitted"

    # the grant --------------------------------------------------------------------------

    def approve(
        self, note: str | None, meta: dict[str, Any], decided_on: date | None = None
    ) -> list[Movement]:
        self._expect("the grant decision", "submitted")
        today = datetime.now(BERLIN).date()
        if decided_on is not None and decided_on > today:
            raise ProjectRuleBroken(
                f"grant decision: the decision date {decided_on} lies in the future"
            )
        if (decided_on or today) > self.end_date:
            raise ProjectRuleBroken(
                f"grant decision: the project ended on {self.end_date}; a grant is decided "
                "before a project's end"
            )
        amount = apply_rate(self.eligible_cost_cents, self.funding_rate)
        self._approved(
            self.region_id,
            self.fund,
            amount,
            self.eligible_cost_cents,
            self.funding_rate,
            decided_on or today,
            note,
            meta,
        )
        return [("commit", amount)]

    class Approved(Aggregate.Event):
        """Version 2 records the date of the grant decision; version 1 did not, and its
        events read as decided on the day they were recorded (German time)."""

        class_version = 2
        region_id: str
        fund: str
        amount_cents: int
        eligible_cost_cents: int
        funding_rate: Decimal
        decided_on: date
        note: str | None
        meta: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["decided_on"] = state["timestamp"].astimezone(BERLIN).date()

    @event(Approved)
    def _approved(
        self,
        region_id: str,
        fund: str,
        amount_cents: int,
        eligible_cost_cents: int,
        funding_rate: Decimal,
        decided_on: date,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.stage = "approved"
        self.committed += amount_cents
        self.decided_on = decided_on  # the grant's last decision (a change notice's too)

    def amend_grant(
        self,
        end_date: date | None,
        total_cost_cents: int | None,
        eligible_cost_cents: int | None,
        grant_cents: int | None,
        decided_on: date | None,
        note: str,
        meta: dict[str, Any],
    ) -> list[Movement]:
        """A change notice (Änderungsbescheid): the end date, the cost and the grant, within
        the programme's frame; the grant's difference is committed or released."""
        what = "change notice"
        self._expect("a change notice", "approved")
        today = datetime.now(BERLIN).date()
        decided = decided_on or today
        if decided > today:
            raise ProjectRuleBroken(f"{what}: the decision date {decided} lies in the future")
        if decided > self.end_date:
            raise ProjectRuleBroken(
                f"{what}: the project ended on {self.end_date}; a change notice is decided "
                "before a project's end"
            )
        if self.decided_on is not None and decided < self.decided_on:
            raise ProjectRuleBroken(
                f"{what}: dated {decided}, before the grant's last decision of {self.decided_on}"
            )
        end = end_date or self.end_date
        if end < decided:
            raise ProjectRuleBroken(
                f"{what}: the project cannot end on {end}, before the notice of {decided}"
            )
        total = self.total_cost_cents if total_cost_cents is None else total_cost_cents
        eligible = self.eligible_cost_cents if eligible_cost_cents is None else eligible_cost_cents
        check_frame(
            kind=self.kind, start=self.start_date, end=end, total_cents=total,
            eligible_cents=eligible,
        )  # fmt: skip
        cap = apply_rate(eligible, self.funding_rate)
        if grant_cents is not None:
            grant = grant_cents
        else:
            grant = cap if eligible != self.eligible_cost_cents else self.net_committed
        if grant > cap:
            raise ProjectRuleBroken(
                f"{what}: the grant is at most the eligible cost x the rate, {format_eur(cap)}"
            )
        requested = self.requested - self.recovered
        if grant < requested:
            raise ProjectRuleBroken(
                f"{what}: the grant cannot go below what was requested, {format_eur(requested)}"
            )
        now = (self.end_date, self.total_cost_cents, self.eligible_cost_cents, self.net_committed)
        if (end, total, eligible, grant) == now:
            raise ProjectRuleBroken(f"{what}: changes nothing")
        change = grant - self.net_committed
        self._grant_amended(
            self.region_id, self.fund, end, total, eligible, grant, decided, note, meta
        )
        if change > 0:
            self._commitment_raised(
                self.region_id, self.fund, change, eligible, self.funding_rate, decided, note, meta
            )
            return [("commit", change)]
        if change < 0:
            self._released(self.region_id, self.fund, -change, "amendment", note, meta)
            return [("release", -change)]
        return []

    @event("GrantAmended")
    def _grant_amended(
        self,
        region_id: str,
        fund: str,
        end_date: date,
        total_cost_cents: int,
        eligible_cost_cents: int,
        grant_cents: int,
        decided_on: date,
        note: str,
        meta: dict[str, Any],
    ) -> None:
        self.end_date = end_date
        self.total_cost_cents = total_cost_cents
        self.eligible_cost_cents = eligible_cost_cents
        self.decided_on = decided_on

    @event("CommitmentRaised")
    def _commitment_raised(
        self,
        region_id: str,
        fund: str,
        amount_cents: int,
        eligible_cost_cents: int,
        funding_rate: Decimal,
        decided_on: date,
        note: str,
        meta: dict[str, Any],
    ) -> None:
        self.committed += amount_cents

    def refuse(self, note: str | None, meta: dict[str, Any]) -> list[Movement]:
        self._expect("the grant decision", "submitted")
        self._refused(self.region_id, self.fund, note, meta)
        return []

    @event("Refused")
    def _refused(self, region_id: str, fund: str, note: str | None, meta: dict[str, Any]) -> None:
        self.stage = "refused"

    def reduce(self, grant_cents: int, note: str | None, meta: dict[str, Any]) -> list[Movement]:
        self._expect("reducing the grant", "approved")
        if not self.net_disbursed <= grant_cents < self.net_committed:
            raise NotEnoughMoney(
                f"reduction: the grant can go down from {format_eur(self.net_committed)} "
                f"to no less than what was paid out, {format_eur(self.net_disbursed)}"
            )
        amount = self.net_committed - grant_cents
        self._released(self.region_id, self.fund, amount, "reduction", note, meta)
        return [("release", amount)]

    # payments ---------------------------------------------------------------------------

    def request_payment(
        self, declared_expenditure_cents: int, note: str | None, meta: dict[str, Any]
    ) -> list[Movement]:
        self._expect("a payment request", "approved")
        amount = apply_rate(declared_expenditure_cents, self.funding_rate)
        left = self.net_committed - (self.requested - self.recovered)
        if amount <= 0 or amount > left:
            raise NotEnoughMoney(
                f"payment request: {format_eur(amount)} asked, the commitment has "
                f"{format_eur(left)} left to request"
            )
        self._payment_requested(
            self.region_id,
            self.fund,
            self.payment_requests + 1,
            declared_expenditure_cents,
            amount,
            note,
            meta,
        )
        return []

    @event("PaymentRequested")
    def _payment_requested(
        self,
        region_id: str,
        fund: str,
        request_no: int,
        declared_expenditure_cents: int,
        amount_cents: int,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.payment_requests = request_no
        self.requested += amount_cents

    def disburse(self, amount_cents: int, note: str | None, meta: dict[str, Any]) -> list[Movement]:
        self._expect("a disbursement", "approved", "proof_accepted")
        if self.final_grant is not None:  # the proof of use is the last request
            left = self.final_payment_due
        else:
            open_requests = self.requested - self.disbursed
            left = min(open_requests, self.net_committed - self.net_disbursed)
        if amount_cents > left:
            raise NotEnoughMoney(
                f"disbursement: {format_eur(amount_cents)} cannot be paid, {format_eur(left)} "
                f"of the commitment is requested and not yet paid ({left} cents available)"
            )
        self._disbursed(self.region_id, self.fund, amount_cents, note, meta)
        return [("disburse", amount_cents)]

    @event("Disbursed")
    def _disbursed(
        self, region_id: str, fund: str, amount_cents: int, note: str | None, meta: dict[str, Any]
    ) -> None:
        self.disbursed += amount_cents

    def recover(self, amount_cents: int, note: str | None, meta: dict[str, Any]) -> list[Movement]:
        """Record money paid back: a recovery claim's repayment, or, before the proof of
        use, money paid out that NBank claims back."""
        self._expect("a recovery", "approved", "proof_accepted", "closed")
        if amount_cents > self.net_disbursed:
            raise NotEnoughMoney(
                f"recovery: {format_eur(amount_cents)} is more than was paid out, "
                f"{format_eur(self.net_disbursed)}"
            )
        if self.open_claim and amount_cents > self.open_claim:
            raise NotEnoughMoney(
                f"recovery: {format_eur(amount_cents)} repaid, but {format_eur(self.open_claim)} "
                "of the claim are open"
            )
        open_claim = self.open_claim - min(amount_cents, self.open_claim)
        self._recovered(self.region_id, self.fund, amount_cents, open_claim, note, meta)
        return [("recover", amount_cents)]

    class Recovered(Aggregate.Event):
        """Money paid back. Version 2 says what of the recovery claim is still open;
        version 1 knew no claims."""

        class_version = 2
        region_id: str
        fund: str
        amount_cents: int
        open_claim_cents: int
        note: str | None
        meta: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["open_claim_cents"] = 0

    @event(Recovered)
    def _recovered(
        self,
        region_id: str,
        fund: str,
        amount_cents: int,
        open_claim_cents: int,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.recovered += amount_cents
        self.open_claim = open_claim_cents

    # the end ----------------------------------------------------------------------------

    def accept_proof_of_use(
        self, eligible_expenditure_cents: int, note: str | None, meta: dict[str, Any]
    ) -> list[Movement]:
        """Reconcile: the final grant is the eligible expenditure x the rate, capped by the
        commitment. Paid beyond it: a recovery claim; due beyond the payments: the final
        payment; the rest of the commitment is released."""
        self._expect("the proof of use", "approved")
        final = min(apply_rate(eligible_expenditure_cents, self.funding_rate), self.net_committed)
        paid = self.net_disbursed
        unspent = self.net_committed - max(final, paid)
        self._proof_accepted(
            self.region_id, self.fund, eligible_expenditure_cents, final,
            max(paid - final, 0), max(final - paid, 0), note, meta,
        )  # fmt: skip
        if unspent:
            self._released(self.region_id, self.fund, unspent, "proof_of_use", note, meta)
        return [("release", unspent)] if unspent else []

    class ProofOfUseAccepted(Aggregate.Event):
        """Version 2 records the reconciliation (final grant, recovery claim, final
        payment); version 1 did not, and its projects close as before: what was not paid
        is released."""

        class_version = 2
        region_id: str
        fund: str
        eligible_expenditure_cents: int
        final_grant_cents: int | None
        recovery_claim_cents: int
        final_payment_cents: int
        note: str | None
        meta: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state |= {"final_grant_cents": None, "recovery_claim_cents": 0}
            state["final_payment_cents"] = 0

    @event(ProofOfUseAccepted)
    def _proof_accepted(
        self,
        region_id: str,
        fund: str,
        eligible_expenditure_cents: int,
        final_grant_cents: int | None,
        recovery_claim_cents: int,
        final_payment_cents: int,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.stage = "proof_accepted"
        self.eligible_expenditure_cents = eligible_expenditure_cents
        self.final_grant = final_grant_cents
        self.open_claim = recovery_claim_cents

    def close(self, note: str | None, meta: dict[str, Any]) -> list[Movement]:
        self._expect("closing", "proof_accepted")
        if self.final_payment_due:
            raise StepOutOfOrder(
                f"closing: the final payment of {format_eur(self.final_payment_due)} is due; "
                "pay it first"
            )
        if self.open_claim:
            raise StepOutOfOrder(
                f"closing: {format_eur(self.open_claim)} of a recovery claim are open; record "
                "the repayment first"
            )
        unspent = self.net_committed - self.net_disbursed
        if unspent:
            self._released(self.region_id, self.fund, unspent, "closure", note, meta)
        self._closed(self.region_id, self.fund, note, meta)
        return [("release", unspent)] if unspent else []

    @event("Closed")
    def _closed(self, region_id: str, fund: str, note: str | None, meta: dict[str, Any]) -> None:
        self.stage = "closed"

    def withdraw(self, note: str | None, meta: dict[str, Any]) -> list[Movement]:
        self._expect("a withdrawal", *WITHDRAWABLE)
        if self.net_disbursed:
            raise StepOutOfOrder(
                f"withdrawal: {format_eur(self.net_disbursed)} was paid out; recover it first"
            )
        unspent = self.net_committed
        if unspent:
            self._released(self.region_id, self.fund, unspent, "withdrawal", note, meta)
        self._withdrawn(self.region_id, self.fund, note, meta)
        return [("release", unspent)] if unspent else []

    @event("Withdrawn")
    def _withdrawn(self, region_id: str, fund: str, note: str | None, meta: dict[str, Any]) -> None:
        self.stage = "withdrawn"

    @event("Released")
    def _released(
        self,
        region_id: str,
        fund: str,
        amount_cents: int,
        reason: str,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.released += amount_cents
