"""Issue 13, rule 4 (dates), checked at every step: a steering group cannot vote on a day
that has not come, and a grant is decided before the project's end, not after it.
(Sources: the Förderrichtlinie's procedure, docs/programme-data.md.)"""

from datetime import date, datetime, timedelta

import pytest

from services.funding.application.commands import Approval, PriorityCheck, Vote
from services.funding.application.funding import FundingApplication
from services.funding.domain.rules import ProjectRuleBroken
from shared.programme import BERLIN
from tests.unit.funding_world import NBANK, RM, SCORES, SG, propose, submitted


def today() -> date:
    return datetime.now(BERLIN).date()


def vote(funding: FundingApplication, pid: object, voted_on: date) -> None:
    funding.record_vote(
        pid,
        Vote(
            votes_for=7, votes_against=1, abstentions=0, voted_on=voted_on, scores=SCORES, note=None
        ),
        SG,
    )


def test_a_vote_dated_in_the_future_is_refused(funding: FundingApplication) -> None:
    pid = propose(funding)
    funding.record_priority_check(
        pid, PriorityCheck(passed=True, other_programme=None, note=None), RM
    )
    with pytest.raises(ProjectRuleBroken, match="lies in the future"):
        vote(funding, pid, today() + timedelta(days=1))
    vote(funding, pid, today())  # today is fine
    assert funding.get_project(pid).stage == "endorsed"


def test_a_project_that_has_ended_cannot_be_granted(funding: FundingApplication) -> None:
    pid = submitted(funding, start_date=date(2024, 1, 1), end_date=date(2025, 12, 31))
    with pytest.raises(ProjectRuleBroken, match="ended on 2025-12-31"):
        funding.approve(pid, Approval(note=None), NBANK)
    # A decision taken before the end, recorded later, stands.
    funding.approve(pid, Approval(note=None, decided_on=date(2025, 6, 2)), NBANK)
    assert funding.get_project(pid).stage == "approved"
