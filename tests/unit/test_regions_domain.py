"""The regions application and its rules, on in-memory storage."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from services.regions.adapters.public_events import to_public
from services.regions.application.regions import RegionsApplication
from services.regions.domain.programme import EnvelopeExceeded, ProgrammeNotOpen
from services.regions.domain.region import region_aggregate_id
from services.regions.domain.rules import (
    RegionAlreadyRecognised,
    RegionConflict,
    RegionError,
    RegionNotFound,
)
from shared.es import meta
from shared.events import contract_for, v2
from shared.events.base import PublicActor

MINISTRY = meta({"role": "ministry", "subject": "mb-referat-402", "region_id": None}, "corr-1")
EUR = 100  # cents

HEIDE_MEMBERS = [
    {"name": "Landkreis Celle", "kind": "landkreis", "kreisschluessel": "03351"},
    {"name": "Heidekreis", "kind": "landkreis", "kreisschluessel": "03358"},
    {"name": "Landkreis Uelzen", "kind": "landkreis", "kreisschluessel": "03360"},
]
ARL_SEAT = {"organisation": "ArL Lüneburg", "kind": "arl", "function": "Geschäftsstelle"}


@pytest.fixture
def app() -> RegionsApplication:
    app = RegionsApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    app.open_programme(name="Zukunftsregionen", envelope_cents=96_000_000 * EUR, meta=MINISTRY)
    return app


def recognise(app: RegionsApplication, region_id: str = "heidefinition", **kw: object) -> None:
    args = {"name": "HeiDefinition", "arl": "ArL Lüneburg", "recognised_on": date(2022, 9, 20)}
    app.recognise_region(region_id=region_id, meta=MINISTRY, **(args | kw))  # type: ignore[arg-type]


def test_the_ministry_recognises_a_region(app: RegionsApplication) -> None:
    recognise(app, announced_budget_cents=8_000_000 * EUR)
    region = app.get_region("heidefinition")
    assert (region.name, region.arl, region.recognised_on) == (
        "HeiDefinition",
        "ArL Lüneburg",
        date(2022, 9, 20),
    )
    assert region.recognised_by == PublicActor(role="ministry", organisation="MB")
    [recognised] = [e for e in app.history("heidefinition") if "Recognised" in type(e).__name__]
    assert recognised.meta["actor"]["subject"] == "mb-referat-402"  # the person: in its record
    assert app.get_programme().regions == ["heidefinition"]
    assert [r.region_id for r in app.list_regions()] == ["heidefinition"]


def test_a_region_is_recognised_once(app: RegionsApplication) -> None:
    recognise(app)
    with pytest.raises(RegionAlreadyRecognised, match="already recognised"):
        recognise(app, name="HeiDefinition again")
    assert app.get_region("heidefinition").name == "HeiDefinition"
    assert app.get_programme().regions == ["heidefinition"]


def test_regions_are_recognised_only_in_an_open_programme() -> None:
    app = RegionsApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    with pytest.raises(ProgrammeNotOpen, match="not open"):
        recognise(app)
    assert app.list_regions() == []


def test_the_arl_must_exist(app: RegionsApplication) -> None:
    with pytest.raises(RegionError, match="unknown ArL"):
        recognise(app, arl="ArL Hamburg")
    with pytest.raises(RegionNotFound):
        app.get_region("heidefinition")


@pytest.mark.parametrize(
    ("members", "lead", "message"),
    [
        (
            [{"name": "Landkreis Harburg", "kind": "landkreis", "kreisschluessel": "01053"}],
            None,
            "not a district of Niedersachsen",
        ),
        (
            [{"name": "Landkreis Celle", "kind": "landkreis", "kreisschluessel": None}],
            None,
            "needs its Kreisschlüssel",
        ),
        (
            [{"name": "Stadt Celle", "kind": "gemeinde", "kreisschluessel": "03351"}],
            None,
            "only districts have a Kreisschlüssel",
        ),
        (HEIDE_MEMBERS, "Landkreis Harburg", "is not one of the members"),
        ([*HEIDE_MEMBERS, HEIDE_MEMBERS[0]], None, "listed once"),
        ([], None, "at least one member"),
    ],
)
def test_members_follow_the_rules(
    app: RegionsApplication, members: list[dict[str, str]], lead: str | None, message: str
) -> None:
    recognise(app)
    with pytest.raises(RegionError, match=message):
        app.record_members(
            "heidefinition", members=members, lead_partner=lead, note=None, meta=MINISTRY
        )  # type: ignore[arg-type]
    assert app.get_region("heidefinition").members == []


def test_members_are_recorded_with_their_lead_partner(app: RegionsApplication) -> None:
    recognise(app)
    state = app.record_members(
        "heidefinition",
        members=HEIDE_MEMBERS,  # type: ignore[arg-type]
        lead_partner="Landkreis Celle",
        note=None,
        meta=MINISTRY,
    )
    assert [m.kreisschluessel for m in state.members] == ["03351", "03358", "03360"]
    assert state.lead_partner == "Landkreis Celle"


def test_a_zukunftskonzept_has_at_most_two_handlungsfelder(app: RegionsApplication) -> None:
    recognise(app)
    with pytest.raises(RegionError, match="one or two Handlungsfelder, not 3"):
        app.adopt_zukunftskonzept(
            "heidefinition", handlungsfelder=["HF1", "HF4", "HF6"], adopted_on=None, meta=MINISTRY
        )
    with pytest.raises(RegionError, match="unknown Handlungsfeld HF7"):
        app.adopt_zukunftskonzept(
            "heidefinition", handlungsfelder=["HF7"], adopted_on=None, meta=MINISTRY
        )
    app.adopt_zukunftskonzept(
        "heidefinition", handlungsfelder=["HF1", "HF4"], adopted_on=None, meta=MINISTRY
    )
    with pytest.raises(RegionConflict, match="at most two Handlungsfelder"):
        app.adopt_zukunftskonzept(
            "heidefinition", handlungsfelder=["HF6"], adopted_on=None, meta=MINISTRY
        )
    assert app.get_region("heidefinition").handlungsfelder == ["HF1", "HF4"]


def test_the_arl_sits_in_the_steering_group(app: RegionsApplication) -> None:
    recognise(app)
    municipal = {"organisation": "Landkreis Celle", "kind": "municipal", "function": "Landrat"}
    wrong_arl = {**ARL_SEAT, "organisation": "ArL Weser-Ems"}
    for seats in ([municipal], [municipal, wrong_arl]):
        with pytest.raises(RegionError, match=r"ArL Lüneburg\) must sit in the steering group"):
            app.constitute_steering_group(
                "heidefinition",
                seats=seats,  # type: ignore[arg-type]
                constituted_on=None,
                meta=MINISTRY,
            )
    state = app.constitute_steering_group(
        "heidefinition",
        seats=[municipal, ARL_SEAT],  # type: ignore[arg-type]
        constituted_on=date(2022, 11, 1),
        meta=MINISTRY,
    )
    assert [s.kind for s in state.steering_group] == ["municipal", "arl"]


def test_the_regional_management_grant_is_capped_by_where_the_region_lies(
    app: RegionsApplication,
) -> None:
    recognise(app)
    with pytest.raises(RegionConflict, match="record HeiDefinition's members first"):
        app.establish_regional_management(
            "heidefinition",
            host_organisation="Landkreis Celle",
            annual_grant_cents=200_000 * EUR,
            established_on=None,
            meta=MINISTRY,
        )
    app.record_members(
        "heidefinition",
        members=HEIDE_MEMBERS,  # type: ignore[arg-type]
        lead_partner="Landkreis Celle",
        note=None,
        meta=MINISTRY,
    )
    # Celle (03351) lies in the transition region: 270,000 euros a year, not 210,000.
    with pytest.raises(RegionError, match="cap of 27000000 cents"):
        app.establish_regional_management(
            "heidefinition",
            host_organisation="Landkreis Celle",
            annual_grant_cents=270_001 * EUR,
            established_on=None,
            meta=MINISTRY,
        )
    state = app.establish_regional_management(
        "heidefinition",
        host_organisation="Landkreis Celle",
        annual_grant_cents=250_000 * EUR,
        established_on=date(2022, 12, 1),
        meta=MINISTRY,
    )
    assert state.regional_management is not None
    assert state.regional_management.annual_cap_cents == 270_000 * EUR


def test_a_region_outside_the_transition_region_has_the_lower_cap(
    app: RegionsApplication,
) -> None:
    recognise(app, "suedniedersachsen", name="Südniedersachsen", arl="ArL Braunschweig")
    app.record_members(
        "suedniedersachsen",
        members=[{"name": "Landkreis Göttingen", "kind": "landkreis", "kreisschluessel": "03159"}],  # type: ignore[list-item]
        lead_partner=None,
        note="lead partner not published",
        meta=MINISTRY,
    )
    with pytest.raises(RegionError, match="cap of 21000000 cents"):
        app.establish_regional_management(
            "suedniedersachsen",
            host_organisation="SüdniedersachsenStiftung",
            annual_grant_cents=250_000 * EUR,
            established_on=None,
            meta=MINISTRY,
        )


def test_budgets_stay_within_the_envelope(app: RegionsApplication) -> None:
    with pytest.raises(RegionNotFound, match="no recognised region 'heidefinition'"):
        app.allocate_budget(
            "heidefinition", fund="EFRE", amount_cents=1, basis="decision", note=None, meta=MINISTRY
        )
    recognise(app)
    recognise(app, "jadebay", name="JadeBay", arl="ArL Weser-Ems")
    app.allocate_budget(
        "heidefinition",
        fund="EFRE",
        amount_cents=90_000_000 * EUR,
        basis="decision",
        note=None,
        meta=MINISTRY,
    )
    with pytest.raises(EnvelopeExceeded, match="600000000 cents are left"):
        app.allocate_budget(
            "jadebay",
            fund="EFRE",
            amount_cents=6_000_001 * EUR,
            basis="decision",
            note=None,
            meta=MINISTRY,
        )
    with pytest.raises(RegionConflict, match="adjustment and a reason"):
        app.allocate_budget(
            "heidefinition", fund="EFRE", amount_cents=1, basis="decision", note=None, meta=MINISTRY
        )
    with pytest.raises(EnvelopeExceeded):
        app.adjust_budget(
            "heidefinition",
            fund="EFRE",
            amount_cents=96_000_001 * EUR,
            reason="more",
            meta=MINISTRY,
        )
    app.adjust_budget(
        "heidefinition",
        fund="EFRE",
        amount_cents=6_000_000 * EUR,
        reason="Kabinettsbeschluss",
        meta=MINISTRY,
    )
    app.allocate_budget(
        "jadebay",
        fund="ESF+",
        amount_cents=90_000_000 * EUR,
        basis="decision",
        note=None,
        meta=MINISTRY,
    )
    programme = app.get_programme()
    assert programme.allocated_cents == programme.envelope_cents
    assert programme.allocated_by_fund_cents == {
        "EFRE": 6_000_000 * EUR,
        "ESF+": 90_000_000 * EUR,
    }
    with pytest.raises(RegionConflict, match="no EFRE allocation to adjust"):
        app.adjust_budget("jadebay", fund="EFRE", amount_cents=1, reason="x y", meta=MINISTRY)


def test_a_past_state_is_the_state_recorded_then(app: RegionsApplication) -> None:
    recognise(app)
    before_members = datetime.now(UTC)
    app.record_members(
        "heidefinition",
        members=HEIDE_MEMBERS,  # type: ignore[arg-type]
        lead_partner=None,
        note=None,
        meta=MINISTRY,
    )
    then = app.get_region("heidefinition", as_of=before_members)
    assert then.members == [] and then.version == 1 and then.as_of == before_members
    assert len(app.get_region("heidefinition").members) == 3
    with pytest.raises(RegionNotFound, match="not yet recorded"):
        app.get_region("heidefinition", as_of=datetime(2022, 1, 1, tzinfo=UTC))


def test_every_change_becomes_a_public_event_with_who_and_when(app: RegionsApplication) -> None:
    recognise(app)
    app.record_members(
        "heidefinition",
        members=HEIDE_MEMBERS,  # type: ignore[arg-type]
        lead_partner="Landkreis Celle",
        note=None,
        meta=MINISTRY,
    )
    app.adopt_zukunftskonzept(
        "heidefinition", handlungsfelder=["HF1", "HF4"], adopted_on=None, meta=MINISTRY
    )
    app.allocate_budget(
        "heidefinition",
        fund="ESF+",
        amount_cents=2_000_000 * EUR,
        basis="published",
        note=None,
        meta=MINISTRY,
    )
    app.adjust_budget(
        "heidefinition",
        fund="ESF+",
        amount_cents=1_500_000 * EUR,
        reason="Umschichtung",
        meta=MINISTRY,
    )
    notifications = app.recorder.select_notifications(start=1, limit=100)
    public = [ce for n in notifications for ce in to_public(app.mapper.to_domain_event(n))]
    assert [ce.type.split(".")[-2] for ce in public] == [
        "ProgrammeOpened",
        "RegionRecognised",
        "MembersRecorded",
        "ZukunftskonzeptAdopted",
        "BudgetAllocated",
        "BudgetAdjusted",
    ]
    for ce in public:
        contract = contract_for(ce.type)
        assert contract is not None
        payload = contract.model_validate(ce.data)
        # The public event: the role and organisation, not the person.
        assert payload.actor == PublicActor(role="ministry", organisation="MB")
        assert "subject" not in ce.data["actor"]
        assert ce.correlationid == "corr-1"
    adjusted = v2.BudgetAdjustedV2.model_validate(public[-1].data)
    assert (adjusted.previous_cents, adjusted.amount_cents) == (2_000_000 * EUR, 1_500_000 * EUR)
    assert [ce.sequence for ce in public[1:]] == [1, 2, 3, 4, 5]


def test_recognitions_stored_before_budgets_and_notes_still_load(app: RegionsApplication) -> None:
    """Version 1 of the Recognised event had no announced budget and no notes: upcast."""
    recognise(app)
    stored = app.recorder.select_events(region_aggregate_id("heidefinition"))[0]
    state = json.loads(stored.state)
    del state["announced_budget_cents"], state["notes"]
    state["class_version"] = 1
    old = RegionsApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    old.recorder.insert_events([replace(stored, state=json.dumps(state).encode())])
    region = old.get_region("heidefinition")
    assert (region.name, region.announced_budget_cents, region.notes) == ("HeiDefinition", None, [])
