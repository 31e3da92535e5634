"""The regions application on in-memory storage."""

from datetime import date

import pytest

from services.regions.adapters.public_events import to_public
from services.regions.application.regions import RegionsApplication
from services.regions.domain.region import RegionAlreadyRecognised, RegionError, RegionNotFound
from shared.es import meta
from shared.events import v1

MINISTRY = {"role": "ministry", "subject": "mb-referat-402", "region_id": None}


@pytest.fixture
def app() -> RegionsApplication:
    return RegionsApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def recognise(app: RegionsApplication, region_id: str = "heidefinition", **kw: object) -> object:
    args = {"name": "HeiDefinition", "arl": "ArL Lüneburg", "recognised_on": date(2022, 9, 20)} | kw
    return app.recognise_region(region_id=region_id, meta=meta(MINISTRY, "corr-1"), **args)  # type: ignore[arg-type]


def test_the_ministry_recognises_a_region(app: RegionsApplication) -> None:
    recognise(app)
    region = app.get_region("heidefinition")
    assert (region.name, region.arl, region.recognised_on) == (
        "HeiDefinition",
        "ArL Lüneburg",
        date(2022, 9, 20),
    )


def test_a_region_is_recognised_once(app: RegionsApplication) -> None:
    recognise(app)
    with pytest.raises(RegionAlreadyRecognised, match="already recognised"):
        recognise(app, name="HeiDefinition again")
    assert app.get_region("heidefinition").name == "HeiDefinition"


def test_the_arl_must_exist(app: RegionsApplication) -> None:
    with pytest.raises(RegionError, match="unknown ArL"):
        recognise(app, arl="ArL Hamburg")
    with pytest.raises(RegionNotFound):
        app.get_region("heidefinition")


def test_recognition_becomes_a_public_event_with_who_and_when(app: RegionsApplication) -> None:
    recognise(app)
    [notification] = app.recorder.select_notifications(start=1, limit=10)
    [ce] = to_public(app.mapper.to_domain_event(notification))
    payload = v1.RegionRecognisedV1.model_validate(ce.data)
    assert ce.type == v1.RegionRecognisedV1.event_type()
    assert ce.sequence == 1 and ce.correlationid == "corr-1"
    assert payload.actor.subject == "mb-referat-402"
    assert payload.recognised_on == date(2022, 9, 20)
