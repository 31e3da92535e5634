"""Every way the system is started tells the regions service where funding is, which holds
a budget cut before regions records it (issue 13, rule 1): `make run` (the balancer's
port), docker-compose (the funding service's name and port) and Kubernetes (the funding
Service). A regions service not told refuses cuts (tests/unit/test_regions_budget_cuts.py)."""

import re
from pathlib import Path

import yaml

from services.funding.settings import FundingSettings
from tests.unit.test_k8s_manifests import container, environment, named, port_number

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_points_regions_at_fundings_balancer() -> None:
    script = (ROOT / "deploy" / "run.sh").read_text()
    [funding_port] = re.findall(r"\[funding\]=(\d+)", script)
    assert funding_port == str(FundingSettings().http_port)
    assert 'REACH=([regions]="REGIONS_FUNDING_URL=http://127.0.0.1:${PORTS[funding]}")' in script
    assert "${REACH[$svc]:-}" in script  # passed to each service's processes


def test_compose_points_regions_at_the_funding_service() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    port = services["funding"]["environment"]["PORT"]
    assert services["regions"]["environment"]["REGIONS_FUNDING_URL"] == f"http://funding:{port}"


def test_kubernetes_points_regions_at_the_funding_service() -> None:
    funding = named("Service", "funding")
    [port] = [p["port"] for p in funding["spec"]["ports"] if p["name"] == "http"]
    assert port == port_number("http", container(named("Deployment", "funding")))
    url = environment(named("Deployment", "regions"))["REGIONS_FUNDING_URL"]
    assert url == f"http://{funding['metadata']['name']}:{port}"
