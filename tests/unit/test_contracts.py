"""The published contracts (contracts/): every event type and version has its JSON Schema
there, the code never breaks a published version, and every next version stays readable
with the previous version's schema."""

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import jsonschema
import pytest

from shared import contracts
from shared.events import Actor, all_contracts, json_schemas, v1, v2

PROPOSED = "de.niedersachsen.zukunftsregionen.ProjectProposed.v1"


def test_every_event_type_and_version_is_published_and_unbroken() -> None:
    published, current = contracts.published_schemas(), json_schemas()
    assert set(current) == set(all_contracts())
    assert set(published) == set(current), "run `make contracts` to publish new versions"
    for event_type, old in published.items():
        assert contracts.breaking_changes(old, current[event_type]) == [], event_type
        assert old == current[event_type], f"{event_type}: run `make contracts`"


def test_the_published_asyncapi_document_is_current_and_complete() -> None:
    published = json.loads(contracts.ASYNCAPI.read_text())
    assert published == contracts.asyncapi(), "run `make contracts`"
    assert published["asyncapi"] == "3.0.0"
    assert {c["address"] for c in published["channels"].values()} == {
        "zr.regions.events",
        "zr.funding.events",
    }
    messages = published["components"]["messages"]
    for message in messages.values():
        assert set(message["headers"]["required"]) == {"content-type", "ce_type", "ce_id"}
        assert "key" in message["bindings"]["kafka"]
    text = json.dumps(published)
    for contract in all_contracts().values():
        assert f'"{contract.__name__}"' in text, contract.__name__


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: s["properties"].pop("title"), "title: removed"),
        (lambda s: s["properties"]["total_cost_cents"].update(type="string"), "type changed"),
        (lambda s: s["properties"]["start_date"].update(format="date-time"), "type changed"),
        (lambda s: s["required"].append("purpose_de"), "purpose_de: new required field"),
        (lambda s: s["$defs"]["Actor"]["properties"].pop("role"), "actor.role: removed"),
    ],
    ids=["removed", "retyped", "reformatted", "new-required", "nested-removed"],
)
def test_a_change_that_would_break_readers_is_found(change: object, problem: str) -> None:
    old = contracts.published_schemas()[PROPOSED]
    new = copy.deepcopy(old)
    if problem.endswith("new required field"):
        new["properties"]["purpose_de"] = {"type": "string"}
    change(new)  # type: ignore[operator]
    assert any(problem in p for p in contracts.breaking_changes(old, new)), problem


def test_an_optional_field_or_better_prose_breaks_nobody() -> None:
    old = contracts.published_schemas()[PROPOSED]
    new = copy.deepcopy(old)
    new["properties"]["website"] = {"type": "string"}
    new["properties"]["title"]["description"] = "Kurztitel des Vorhabens"
    assert contracts.breaking_changes(old, new) == []


def test_a_bound_added_where_there_was_none_only_narrows() -> None:
    """Narrowing keeps every reader of the published version: what the new schema accepts,
    the old one accepts too. Widening or moving an existing bound does not."""
    old = contracts.published_schemas()[PROPOSED]
    new = copy.deepcopy(old)
    new["properties"]["purpose"]["maxLength"] = 4000
    assert contracts.breaking_changes(old, new) == []
    wider = copy.deepcopy(old)
    wider["properties"]["total_cost_cents"]["maximum"] += 1
    assert contracts.breaking_changes(old, wider) == ["total_cost_cents: type changed"]


def test_funds_committed_v2_is_readable_with_the_v1_schema() -> None:
    schemas = contracts.published_schemas()
    assert contracts.version_problems(schemas) == []
    payload = v2.FundsCommittedV2(
        actor=Actor(role="nbank", subject="nb-1"),
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        project_id=uuid4(),
        region_id="heidefinition",
        fund="EFRE",
        amount_cents=600_000_00,
        eligible_cost_cents=1_000_000_00,
        funding_rate=Decimal("0.60"),
        decided_on=date(2026, 2, 27),
    ).model_dump(mode="json")
    # A subscriber that knows only v1: its schema accepts the v2 message, its model too.
    jsonschema.validate(payload, schemas[v1.FundsCommittedV1.event_type()])
    assert v1.FundsCommittedV1.model_validate(payload).amount_cents == 600_000_00
    # A v1 message is not a v2 one: v2 readers need the upcast (funding) or a default.
    del payload["decided_on"]
    with pytest.raises(jsonschema.ValidationError, match="decided_on"):
        jsonschema.validate(payload, schemas[v2.FundsCommittedV2.event_type()])
