from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.events import Actor, CloudEvent, contract_for, json_schemas, v1, wrap

MINISTRY = Actor(role="ministry", subject="mb-referat-402")


def recognised(region_id: str = "jadebay") -> v1.RegionRecognisedV1:
    return v1.RegionRecognisedV1(
        actor=MINISTRY,
        occurred_at=datetime(2022, 10, 5, 9, 0, tzinfo=UTC),
        region_id=region_id,
        region_name="JadeBay",
        arl="ArL Weser-Ems",
        recognised_on=date(2022, 10, 5),
    )


def envelope(payload: v1.RegionRecognisedV1, aggregate_id: str, sequence: int = 1) -> CloudEvent:
    return wrap(
        payload,
        event_type=payload.event_type(),
        source="/zukunftsregionen/regions",
        subject=f"regions/{payload.region_id}",
        aggregate_id=aggregate_id,
        sequence=sequence,
        time=payload.occurred_at,
    )


def test_the_same_stored_event_always_gets_the_same_id() -> None:
    agg = str(uuid4())
    assert envelope(recognised(), agg).id == envelope(recognised(), agg).id
    assert envelope(recognised(), agg).id != envelope(recognised(), agg, sequence=2).id
    assert envelope(recognised(), agg).id != envelope(recognised(), str(uuid4())).id


def test_an_envelope_survives_the_wire() -> None:
    ce = envelope(recognised(), str(uuid4()))
    back = CloudEvent.from_bytes(ce.to_bytes())
    assert back == ce
    contract = contract_for(back.type)
    assert contract is v1.RegionRecognisedV1
    assert contract.model_validate(back.data) == recognised()


def test_types_are_versioned() -> None:
    assert (
        v1.RegionRecognisedV1.event_type()
        == "de.niedersachsen.zukunftsregionen.RegionRecognised.v1"
    )
    assert {"RegionRecognised", "ProjectProposed", "FundsCommitted"} <= {
        t.split(".")[-2] for t in json_schemas()
    }


def test_contracts_export_json_schema_with_money_as_integers() -> None:
    schema = json_schemas()[v1.FundsCommittedV1.event_type()]
    assert schema["properties"]["amount_cents"]["type"] == "integer"
    assert "amount_cents" in schema["required"]


def test_district_keys_outside_niedersachsen_are_refused() -> None:
    with pytest.raises(ValidationError, match="location_ags"):
        v1.ProjectProposedV1.model_validate(
            {
                "actor": MINISTRY.model_dump(),
                "occurred_at": "2024-01-01T00:00:00Z",
                "project_id": str(uuid4()),
                "region_id": "jadebay",
                "operation_code": "ZR-1",
                "title": "t",
                "purpose": "p",
                "applicant_name": "Stadt Wilhelmshaven",
                "applicant_kind": "municipality",
                "handlungsfeld": "HF1",
                "fund": "EFRE",
                "location_ags": "09162",
                "start_date": "2024-01-01",
                "end_date": "2025-01-01",
                "total_cost_cents": 1,
                "eligible_cost_cents": 1,
                "kind": "project",
            }
        )


def test_consumers_read_tolerantly() -> None:
    data = recognised().model_dump(mode="json") | {"added_later": "ignored"}
    assert v1.RegionRecognisedV1.model_validate(data).region_id == "jadebay"
