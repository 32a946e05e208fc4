"""What ``make bench`` measures: the scenarios, in the order the report lists them."""

from dataclasses import dataclass

from shared import routes

# What the read scenario searches for: also the terms the store measurements and the synthetic
# catalogue's test use (here, not in locustfile.py: importing Locust patches the process).
SEARCH_TERMS = ("flask", "django", "aws", "http", "test", "async")


@dataclass(frozen=True)
class Scenario:
    name: str
    user_class: str  # its class in locustfile.py
    floor: bool = False  # serve each framework's bare floor app instead of pyaday
    ab_path: str | None = None  # cross-checked with ab, the talk's tool, on this path
    talk_claim: str | None = None  # Sanic's advantage as the talk claimed it (measured with ab)


SCENARIOS = {
    scenario.name: scenario
    for scenario in (
        Scenario("hello", "HelloUser", ab_path=routes.INDEX, talk_claim="3-4x"),
        Scenario("rand", "RandUser", ab_path=routes.RANDOM, talk_claim="5-6x"),
        # rand's requests against a bare app serving one fixed package the same way; measured
        # right after rand, so the two see the same machine as nearly as a run allows.
        Scenario("floor", "RandUser", floor=True),
        Scenario("read", "ReadUser"),
        Scenario("curate", "CurateUser"),
    )
}
