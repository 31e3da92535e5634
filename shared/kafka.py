"""How a component reaches Kafka: the bootstrap servers and its own SCRAM user.

Every Kafka client of the system is built from a `KafkaAccess`, so every one of them
authenticates (SASL/SCRAM-SHA-512) as the component it belongs to; the broker's ACLs
(deploy/kafka.sh, deploy/kafka/principals) decide what that user may do.
"""

from dataclasses import dataclass, field
from typing import Any

from faststream.kafka.security import parse_security
from faststream.security import SASLScram512


def dev_password(username: str) -> str:
    """The development password deploy/kafka.sh gives a user; refused in production."""
    return f"{username}-dev-password"


@dataclass(frozen=True)
class KafkaAccess:
    bootstrap: str
    username: str
    password: str = field(repr=False)

    @classmethod
    def development(cls, bootstrap: str, username: str) -> "KafkaAccess":
        return cls(bootstrap, username, dev_password(username))

    @property
    def security(self) -> SASLScram512:
        """For faststream's KafkaBroker(security=...)."""
        return SASLScram512(username=self.username, password=self.password)

    def options(self) -> dict[str, Any]:
        """For aiokafka's clients: AIOKafkaConsumer(**access.options(), ...)."""
        return {"bootstrap_servers": self.bootstrap, **parse_security(self.security)}
