"""The benchmark harness, end to end on tiny settings, so ``make bench`` cannot rot.

These check that the harness runs and records what it promises, never how fast anything is.
"""

import json
import subprocess
import sys

import pytest

from benchmarks.scenarios import SCENARIOS
from benchmarks.servers import PROJECT_ROOT
from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared import routes
from shared.catalogue import seed_packages
from shared.settings import Settings
from tests.clients import FlaskClient, SanicClient

# Routing does not depend on the store: one in-memory app of each framework will do.
MEMORY = Settings(database_url="memory://")
CLIENTS = {
    "flask": lambda: FlaskClient(create_flask_app(MEMORY)),
    "sanic": lambda: SanicClient(create_sanic_app(MEMORY)),
}


@pytest.mark.parametrize("framework_name", CLIENTS)
def test_every_route_template_reaches_a_route_of_both_apps(framework_name):
    """The Locust scenarios fill in shared.routes' paths: each must answer in both apps."""
    client = CLIENTS[framework_name]()
    name = seed_packages()[0].name
    reads = [routes.INDEX, routes.HEALTH, routes.OPENAPI, routes.PACKAGES, routes.RANDOM]
    try:
        for path in [*reads, routes.DAILY, routes.package_path(name)]:
            assert client.get(path).status == 200, path
    finally:
        client.close()


def test_every_scenario_has_its_locust_user_class():
    listed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "benchmarks/locustfile.py", "--list"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert {scenario.user_class for scenario in SCENARIOS.values()} <= set(listed)


def test_a_tiny_run_records_both_frameworks_and_writes_the_report(tmp_path):
    """The curate scenario: it also exercises the curator token handed to server and Locust."""
    report = tmp_path / "benchmarks.md"
    command = [
        sys.executable, "-m", "benchmarks", "--scenarios", "curate", "--duration", "2",
        "--warmup", "0", "--users", "4", "--no-ab", "--server-cpus", "none",
        "--loadgen-cpus", "none", "--results-dir", str(tmp_path), "--report", str(report),
    ]  # fmt: skip
    subprocess.run(command, cwd=PROJECT_ROOT, timeout=120, check=True)

    document = json.loads((tmp_path / "latest.json").read_text())
    assert {"packages", "cpu_model", "servers", "json_codec"} <= set(document["conditions"])
    assert [run["framework"] for run in document["runs"]] == ["flask", "sanic"]
    for run in document["runs"]:
        assert run["requests"] > 0
        assert run["failures"] == 0
        assert run["server_cpu_us_per_request"] > 0
        assert set(run["latency_ms"]) == {"p50", "p95", "p99"}
        assert isinstance(run["loadgen_bound"], bool)
    assert "| curate | locust |" in report.read_text()
    assert report.with_suffix(".png").stat().st_size > 0
