"""Crypto-shredding against the running services: the contact person's name is stored
only sealed; after the erasure no store, topic or report yields it, and the rest of the
history still replays (funding restarted on the same database, reporting rebuilt)."""

import hashlib

import asyncpg
import httpx

from services.funding.application.commands import ProjectPropose
from services.reporting.adapters.rebuild import Rebuild
from shared.idempotency import _fingerprint
from shared.topics import Topics
from tests import support
from tests.e2e.conftest import System, start_service
from tests.e2e.funding_steps import NBANK, proposal, record_region, region_tokens, wait_for_budget

NAME = "Waltraud Schimmelpfennig"


async def everything_stored(system: System, topic_prefix: str) -> bytes:
    """Every byte the system keeps: every service's database, every topic, every log."""
    dumps = []
    for database in (system.regions.database, system.funding.database, system.reporting.database):
        conn = await asyncpg.connect(support.dsn(database))
        try:
            tables = await conn.fetch(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                "AND table_type = 'BASE TABLE'"
            )
            for t in tables:
                rows = await conn.fetch(f'SELECT * FROM "{t[0]}"."{t[1]}"')
                dumps.append(repr([tuple(r) for r in rows]).encode())
        finally:
            await conn.close()
    topics = Topics(topic_prefix)
    for topic in (*topics.public, topics.dead_letter("reporting"), topics.dead_letter("funding")):
        dumps.extend(r.value or b"" for r in await support.read_topic(topic, idle_ms=1500))
    for service in (system.regions, system.funding, system.reporting):
        dumps.append(service.process.log.read_bytes())
    return b"\n".join(dumps)


def traces_of(name: str, request: dict[str, object]) -> list[bytes]:
    """What would betray the name: itself, its sha256, and the fingerprint of the request
    that carried it, as an Idempotency-Key record would hold it (every rule, old and new)."""
    with_defaults = ProjectPropose.model_validate(request)
    bodies = [
        request,
        with_defaults.model_dump(mode="json"),
        with_defaults.model_dump(mode="json", exclude_defaults=True),
        {k: v for k, v in with_defaults.model_dump(mode="json").items() if v is not None},
    ]
    fingerprints = [_fingerprint("POST /projects", b) for b in bodies]
    return [name.encode(), hashlib.sha256(name.encode()).hexdigest().encode()] + [
        f.encode() for f in fingerprints
    ]


async def test_an_erased_contact_person_is_unreadable_everywhere(
    system: System, topic_prefix: str, processes: list[support.Process]
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, system.regions.url, "neu", 10_000_000_00)
        await wait_for_budget(http, system.funding.url, "neu", 10_000_000_00)
        rm, _ = region_tokens("neu")
        body = proposal("neu", 500_000_00) | {"contact_person": NAME}
        keyed = {**rm, "Idempotency-Key": "vorschlag-1"}
        r = await http.post(f"{system.funding.url}/projects", json=body, headers=keyed)
        assert r.status_code == 201, r.text
        retry = await http.post(f"{system.funding.url}/projects", json=body, headers=keyed)
        assert retry.json() == r.json()
        pid = r.json()["project_id"]
        contact = f"{system.funding.url}/projects/{pid}/contact-person"

        assert (await http.get(contact, headers=rm)).json() == {
            "contact_person": NAME,
            "erased": False,
        }
        # Sealed from the start: not in any table or topic in plain text, not even now.
        stored = await everything_stored(system, topic_prefix)
        assert pid.encode() in stored
        assert [trace for trace in traces_of(NAME, body) if trace in stored] == []

        refused = await http.post(f"{contact}/erasure", json={"note": "zwei Jahre"}, headers=rm)
        assert refused.status_code == 403
        erased = await http.post(
            f"{contact}/erasure", json={"note": "Art. 49(3)(b) CPR"}, headers=NBANK
        )
        assert erased.status_code == 204, erased.text
        assert (await http.get(contact, headers=rm)).json() == {
            "contact_person": None,
            "erased": True,
        }
        again = await http.post(f"{contact}/erasure", json={"note": "noch mal"}, headers=NBANK)
        assert again.status_code == 409 and "no contact person" in again.json()["detail"]
        key_rows = await support.table(
            system.funding.database, "SELECT count(*) AS n FROM personal_data_keys"
        )
        assert key_rows == [{"n": 0}]

        # The history still replays: funding restarted on the same event store reads the
        # project (the sealed name stays unreadable), the reporting read models rebuild.
        system.funding.process.stop()
        funding = start_service("funding", system.funding.database, topic_prefix, processes)
        r = await http.get(f"{funding.url}/projects/{pid}", headers=rm)
        assert r.status_code == 200 and r.json()["stage"] == "proposed"
        assert (await http.get(f"{funding.url}/projects/{pid}/contact-person", headers=rm)).json()[
            "erased"
        ]
        steps = await http.get(f"{funding.url}/projects/{pid}/history", headers=rm)
        assert [e["type"].split(".")[-2] for e in steps.json()] == ["ProjectProposed"]

    pool = await asyncpg.create_pool(support.dsn(system.reporting.database), min_size=1, max_size=3)
    try:
        rebuild = Rebuild(
            pool, support.ADMIN, Topics(topic_prefix).public, "reporting", role="zr_reporting"
        )
        await rebuild.run()
        assert rebuild.applied > 0
    finally:
        await pool.close()
    stored = await everything_stored(system, topic_prefix)
    assert [trace for trace in traces_of(NAME, body) if trace in stored] == []
