"""Base of every public event contract, and the registry that maps CloudEvent types to them."""

from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shared.text import Line, Moment

TYPE_PREFIX = "de.niedersachsen.zukunftsregionen"

Role = Literal[
    "ministry",
    "nbank",
    "arl",
    "regional_management",
    "steering_group",
    "auditor",
    "agency",
    "service",
    "system",
]


# The organisation a role acts for, where the token does not name it (its `org` claim).
ORGANISATIONS: dict[Role, str] = {
    "ministry": "MB",
    "nbank": "NBank",
    "arl": "ArL",
    "regional_management": "Regionalmanagement",
    "steering_group": "Steuerungsgruppe",
    "auditor": "Prüfbehörde",
    "agency": "Behörde",
    "service": "Zukunftsregionen-System",
    "system": "Zukunftsregionen-System",
}


class Actor(BaseModel):
    """Who did it: the role they acted in, who they are, and for regional roles their region.
    The person (`subject`) stays in the records of the service that recorded the action;
    the public contracts from v2 on carry a `PublicActor`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    role: Role
    subject: Line = Field(min_length=1, description="user or client id from the token")
    region_id: Line | None = None
    organisation: Line | None = Field(
        None, max_length=200, description="the organisation acted for, where the token names it"
    )


class PublicActor(BaseModel):
    """Who did it, as the public may know it: the role and the organisation, and for
    regional roles their region; never the person."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    role: Role
    organisation: Line = Field(min_length=1, max_length=200)
    region_id: Line | None = None


def public_actor(actor: Actor | PublicActor | dict[str, Any]) -> PublicActor:
    """The public side of an actor (a recorded one, or one from a token)."""
    if isinstance(actor, PublicActor):
        return actor
    a = actor if isinstance(actor, Actor) else Actor.model_validate(actor)
    return PublicActor(
        role=a.role, organisation=a.organisation or ORGANISATIONS[a.role], region_id=a.region_id
    )


class PublicEvent(BaseModel):
    """A versioned public contract. Consumers read tolerantly: unknown fields are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: ClassVar[str]
    version: ClassVar[int]

    actor: Actor
    occurred_at: Moment

    @classmethod
    def event_type(cls) -> str:
        return f"{TYPE_PREFIX}.{cls.name}.v{cls.version}"


E = TypeVar("E", bound=type[PublicEvent])

_REGISTRY: dict[str, type[PublicEvent]] = {}


def contract(cls: E) -> E:
    """Class decorator: register a contract under its CloudEvent type."""
    key = cls.event_type()
    if key in _REGISTRY:
        raise ValueError(f"two contracts for {key}")
    _REGISTRY[key] = cls
    return cls


def contract_for(event_type: str) -> type[PublicEvent] | None:
    return _REGISTRY.get(event_type)


def types_of(name: str) -> list[str]:
    """Every published version's CloudEvent type of an event name, oldest first."""
    return [t for t, c in sorted(_REGISTRY.items(), key=lambda i: i[1].version) if c.name == name]


def all_contracts() -> dict[str, type[PublicEvent]]:
    return dict(_REGISTRY)


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every event type and version, each with its `$id`."""
    return {
        t: {**c.model_json_schema(), "$id": f"urn:zukunftsregionen:event:{t}"}
        for t, c in sorted(_REGISTRY.items())
    }
