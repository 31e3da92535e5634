"""Public integration events: the CloudEvents envelope and the versioned contracts."""

from shared.events import v1, v2
from shared.events.base import (
    Actor,
    PublicEvent,
    all_contracts,
    contract_for,
    json_schemas,
    types_of,
)
from shared.events.envelope import CONTENT_TYPE, CloudEvent, event_id, wrap

__all__ = [
    "CONTENT_TYPE",
    "Actor",
    "CloudEvent",
    "PublicEvent",
    "all_contracts",
    "contract_for",
    "event_id",
    "json_schemas",
    "types_of",
    "v1",
    "v2",
    "wrap",
]
