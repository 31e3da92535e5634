"""Liveness and readiness as a load balancer sees them: /readyz says 503 while the
service's database is cut off and 200 again when it is back, /livez stays 200 throughout,
and asking often opens no new connections (the checks reuse pooled ones)."""

import httpx

from tests import support
from tests.e2e.conftest import Service


def connections(database: str) -> int:
    return int(
        support.as_superuser(
            "postgres", f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}'"
        ).strip()
    )


async def test_readiness_follows_the_database_and_liveness_does_not(regions: Service) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.get(f"{regions.url}/readyz")).status_code == 200
        before = connections(regions.database)
        for _ in range(20):
            assert (await http.get(f"{regions.url}/readyz")).status_code == 200
        assert connections(regions.database) == before  # pooled, not one per call

        support.as_superuser(
            "postgres",
            f"ALTER DATABASE {regions.database} ALLOW_CONNECTIONS false;"
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{regions.database}';",
        )
        try:

            async def unready() -> bool:
                r = await http.get(f"{regions.url}/readyz")
                return r.status_code == 503 and r.json()["database"] is False

            await support.eventually(unready, timeout=30)
            assert (await http.get(f"{regions.url}/livez")).status_code == 200
        finally:
            support.as_superuser(
                "postgres", f"ALTER DATABASE {regions.database} ALLOW_CONNECTIONS true"
            )

        async def ready() -> bool:
            return (await http.get(f"{regions.url}/readyz")).status_code == 200

        await support.eventually(ready, timeout=30)
