"""How a component reaches Kafka: the bootstrap servers and its own SCRAM user.

Every Kafka client of the system is built from a `KafkaAccess`, so every one of them
authenticates (SASL/SCRAM-SHA-512) as the component it belongs to; the broker's ACLs
(shared/provisioning.py) decide what that user may do. With a CA file the connection is
TLS (SASL_SSL), the broker's certificate and name checked: production's way.
"""

import ssl
from dataclasses import dataclass, field
from typing import Any

from faststream.kafka import KafkaBroker
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
    # The CA that signed the brokers' certificates: TLS (SASL_SSL) when given.
    ca_file: str | None = None

    @classmethod
    def development(cls, bootstrap: str, username: str) -> "KafkaAccess":
        return cls(bootstrap, username, dev_password(username))

    @property
    def servers(self) -> list[str]:
        """The bootstrap servers one by one: aiokafka takes a string as one address, so
        "a:9092,b:9092" must be split (every node of a cluster is named)."""
        return [s.strip() for s in self.bootstrap.split(",") if s.strip()]

    @property
    def security(self) -> SASLScram512:
        """For faststream's KafkaBroker(security=...)."""
        context = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None
        return SASLScram512(username=self.username, password=self.password, ssl_context=context)

    def options(self) -> dict[str, Any]:
        """For aiokafka's clients: AIOKafkaConsumer(**access.options(), ...)."""
        return {"bootstrap_servers": self.servers, **parse_security(self.security)}

    def broker(self) -> KafkaBroker:
        """A faststream broker (the consumers', and their parking's producer) whose writes
        are acknowledged by every in-sync replica and never duplicated by a retry."""
        return KafkaBroker(
            self.servers, security=self.security, logger=None, acks="all",
            enable_idempotence=True,
        )  # fmt: skip
