"""A service over TLS, as production runs it: to Kafka with SASL_SSL and to PostgreSQL with
verify-full, both against the development CA of deploy/certs.sh (the broker's TLS listener,
the server's certificate). Its events reach Kafka, and every database connection it holds
is encrypted."""

import httpx

from shared.topics import Topics
from tests import support
from tests.e2e.conftest import start_service

CA = str(support.ROOT / "var" / "certs" / "ca.crt")
TLS_KAFKA = support.KAFKA.rsplit(":", 1)[0] + ":9094"
MINISTRY = support.bearer("ministry")


async def test_a_service_runs_over_tls_to_kafka_and_postgres(
    databases: object, topic_prefix: str, processes: list[support.Process]
) -> None:
    regions = start_service(
        "regions", databases, topic_prefix, processes,  # type: ignore[arg-type]
        kafka_bootstrap=TLS_KAFKA, kafka_ca_file=CA, pg_sslmode="verify-full", pg_sslrootcert=CA,
    )  # fmt: skip
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(
            f"{regions.url}/programme", json={"envelope_cents": 9_600_000_000}, headers=MINISTRY
        )
        assert r.status_code == 201, r.text
        health = (await http.get(f"{regions.url}/readyz")).json()
        assert (health["kafka"], health["database"], health["status"]) == (True, True, "ok")
    published = await support.read_topic(Topics(topic_prefix).regions_events, expected=1)
    assert b"ProgrammeOpened" in (published[0].value or b"")
    connections = support.as_superuser(
        "postgres",
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
        f"WHERE a.datname = '{regions.database}' AND a.usename = 'zr_regions'",
    ).split()
    assert connections and set(connections) == {"t"}, connections  # every one encrypted


def test_a_certificate_from_another_ca_is_refused(
    databases: object, topic_prefix: str, processes: list[support.Process]
) -> None:
    """verify-full means it: with the system's CAs (not ours) the service cannot connect."""
    other = "/etc/ssl/certs/ca-certificates.crt"
    try:
        start_service(
            "regions", databases, topic_prefix, processes,  # type: ignore[arg-type]
            pg_sslmode="verify-full", pg_sslrootcert=other,
        )  # fmt: skip
    except AssertionError as refused:
        assert "certificate verify failed" in str(refused)
    else:
        raise AssertionError("the service started with a certificate it cannot verify")
