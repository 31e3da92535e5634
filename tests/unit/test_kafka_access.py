"""Every node of a cluster reaches every client: aiokafka takes one string as one address."""

from shared.kafka import KafkaAccess


def test_a_cluster_bootstrap_is_given_to_the_clients_node_by_node() -> None:
    access = KafkaAccess("127.0.0.1:19092, 127.0.0.1:19192,127.0.0.1:19292", "funding", "pw")
    servers = ["127.0.0.1:19092", "127.0.0.1:19192", "127.0.0.1:19292"]
    assert access.options()["bootstrap_servers"] == servers
    assert access.servers == servers  # which the faststream broker is given too
