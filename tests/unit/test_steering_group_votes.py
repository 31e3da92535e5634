"""Issue 13, rule 3: a steering group that does not exist does not vote.

A vote counts only in a region whose Steuerungsgruppe is constituted (funding learns it
from the regions service's SteeringGroupConstituted), only by its voting seats (the ArL
advises and does not vote), with a quorum (more than half of the voting seats take part),
dated from the constitution to today, and with the project's scoring (Projektbewertung).
Before, a vote of 200 to 0 dated 2001 endorsed a project in a region without a group.
(Sources: RL ZRN and the programme's steps, docs/programme-data.md.)
"""

from datetime import date

import pytest
from eventsourcing.persistence import StoredEvent

from services.funding.application.commands import PriorityCheck, Score, Vote
from services.funding.application.funding import FundingApplication
from services.funding.domain.rules import ProjectRuleBroken
from tests.unit.funding_world import (
    MINISTRY,
    POPO,
    RM,
    SCORES,
    SEATS,
    SG,
    feed,
    propose,
    public_events,
    regions_world,
)


def world(steering_group: bool = True) -> tuple[object, FundingApplication]:
    regions = regions_world(steering_group)
    funding = FundingApplication(env=POPO)
    feed(funding, list(public_events(regions)))
    return regions, funding


def checked(funding: FundingApplication) -> object:
    pid = propose(funding)
    funding.record_priority_check(
        pid, PriorityCheck(passed=True, other_programme=None, note=None), RM
    )
    return pid


def vote(funding: FundingApplication, pid: object, **over: object) -> str:
    args = {"votes_for": 5, "votes_against": 1, "abstentions": 0,
            "voted_on": date(2025, 2, 1), "scores": SCORES} | over  # fmt: skip
    # Built without the edge's validation, so that the domain's own rules are what refuses.
    scores = [Score.model_construct(**s) for s in args.pop("scores")]  # type: ignore[attr-defined]
    command = Vote.model_construct(note=None, scores=scores, **args)
    return funding.record_vote(pid, command, SG).stage  # type: ignore[arg-type]


def test_a_region_without_a_steering_group_cannot_vote() -> None:
    _, funding = world(steering_group=False)
    pid = checked(funding)
    with pytest.raises(ProjectRuleBroken, match="not constituted"):
        vote(funding, pid, votes_for=200, votes_against=0, voted_on=date(2001, 1, 1))


def test_only_the_voting_seats_vote() -> None:
    _, funding = world()  # eight voting seats and the ArL's
    pid = checked(funding)
    with pytest.raises(ProjectRuleBroken, match="9 votes, but the steering group has 8"):
        vote(funding, pid, votes_for=8, votes_against=1)
    assert vote(funding, pid, votes_for=7, votes_against=0, abstentions=1) == "endorsed"


def test_without_a_quorum_there_is_no_decision() -> None:
    _, funding = world()
    pid = checked(funding)
    with pytest.raises(ProjectRuleBroken, match="no quorum: 4 of 8"):
        vote(funding, pid, votes_for=3, votes_against=1)
    assert vote(funding, pid, votes_for=3, votes_against=1, abstentions=1) == "endorsed"


def test_a_vote_before_the_constitution_is_refused() -> None:
    _, funding = world()  # constituted on 2023-03-01
    pid = checked(funding)
    with pytest.raises(ProjectRuleBroken, match="before the steering group was constituted"):
        vote(funding, pid, voted_on=date(2023, 2, 28))
    assert vote(funding, pid, voted_on=date(2023, 3, 1)) == "endorsed"


def test_a_vote_records_its_scoring() -> None:
    _, funding = world()
    pid = checked(funding)
    with pytest.raises(ProjectRuleBroken, match="scoring"):
        vote(funding, pid, scores=[])
    too_many = [{"criterion": "Wirkung", "points": 11, "max_points": 10}]
    with pytest.raises(ProjectRuleBroken, match="11 points of at most 10"):
        vote(funding, pid, scores=too_many)
    vote(funding, pid, votes_for=2, votes_against=4)
    state = funding.get_project(pid)  # type: ignore[arg-type]
    assert state.stage == "rejected"
    assert [s.model_dump() for s in state.scores] == SCORES


def test_a_steering_group_constituted_again_counts_its_new_seats() -> None:
    regions, funding = world()
    smaller = [s for s in SEATS if s["kind"] != "economic_social_partner"]  # 5 voting seats
    regions.constitute_steering_group(  # type: ignore[attr-defined]
        "heidefinition", seats=smaller, constituted_on=date(2024, 5, 6), meta=MINISTRY
    )
    feed(funding, list(public_events(regions)))  # again from the start: the news is learnt
    pid = checked(funding)
    with pytest.raises(ProjectRuleBroken, match="6 votes, but the steering group has 5"):
        vote(funding, pid)
    with pytest.raises(ProjectRuleBroken, match="constituted on 2024-05-06"):
        vote(funding, pid, votes_for=4, votes_against=1, voted_on=date(2024, 1, 10))
    assert vote(funding, pid, votes_for=4, votes_against=1, voted_on=date(2024, 6, 1)) == "endorsed"


def test_a_vote_stored_before_the_scoring_is_read_with_none() -> None:
    """A Project.Endorsed stored as version 1 (no scoring) is upcast when read."""
    _, funding = world()
    pid = checked(funding)
    vote(funding, pid)
    [stored] = [s for s in funding.recorder.select_events(pid) if s.topic.endswith(".Endorsed")]  # type: ignore[arg-type]
    state = funding.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    del state["scores"]
    as_v1 = StoredEvent(
        originator_id=stored.originator_id, originator_version=stored.originator_version,
        topic=stored.topic, state=funding.mapper.transcoder.encode(state),
    )  # fmt: skip
    event = funding.mapper.to_domain_event(as_v1)
    assert event.scores == [] and event.votes_for == 5  # type: ignore[attr-defined]
