"""CloudEvents 1.0 envelope (structured JSON mode) for the public integration events."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID, uuid5

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.text import MAX_COUNT, Line, Moment, has_control_characters

CONTENT_TYPE = "application/cloudevents+json"

# Namespace of the deterministic event ids: the same stored event always gets the same id.
EVENT_ID_NAMESPACE = UUID("6f1f4a52-0c5e-4d7e-9a63-2f1b9d0c7e11")


def event_id(source: str, aggregate_id: UUID | str, sequence: int, event_type: str) -> UUID:
    return uuid5(EVENT_ID_NAMESPACE, f"{source}|{aggregate_id}|{sequence}|{event_type}")


class CloudEvent(BaseModel):
    """One public event as it travels on Kafka.

    `sequence` is the aggregate's version (its events are ordered by it), `aggregateid` the
    Kafka key; `correlationid` ties everything one request caused together, `causationid`
    names the message that caused this one.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: UUID
    source: Line = Field(min_length=1, max_length=200)
    type: Line = Field(min_length=1, max_length=200)
    time: Moment
    subject: Line = Field(min_length=1, max_length=200)
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: Line | None = Field(None, max_length=500)
    aggregateid: Line = Field(min_length=1, max_length=200)
    sequence: int = Field(ge=1, le=MAX_COUNT)
    correlationid: Line | None = Field(None, max_length=200)
    causationid: Line | None = Field(None, max_length=200)
    data: dict[str, Any]

    @field_validator("data")
    @classmethod
    def _storable(cls, data: dict[str, Any]) -> dict[str, Any]:
        if has_control_characters(data):
            raise ValueError("holds a control character")
        return data

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> "CloudEvent":
        return cls.model_validate_json(raw)


def wrap(
    payload: BaseModel,
    *,
    event_type: str,
    source: str,
    subject: str,
    aggregate_id: UUID | str,
    sequence: int,
    time: datetime,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    dataschema: str | None = None,
) -> CloudEvent:
    return CloudEvent(
        id=event_id(source, aggregate_id, sequence, event_type),
        source=source,
        type=event_type,
        time=time,
        subject=subject,
        dataschema=dataschema,
        aggregateid=str(aggregate_id),
        sequence=sequence,
        correlationid=correlation_id,
        causationid=causation_id,
        data=payload.model_dump(mode="json"),
    )
