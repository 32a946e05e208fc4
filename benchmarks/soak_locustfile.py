"""The load of ``make soak``: readers, and curators whose every write is journaled with its answer.

Run by ``benchmarks/soak.py``, one Locust process per app. ``PYADAY_SOAK_JOURNAL`` names a
JSON-lines file that gets one record per write (and per read that settles a write left without
an answer); ``PYADAY_SOAK_TIMELINE`` gets, when Locust quits, how many requests got each status
in each tenth of a second (when the answer came), from which the runner reads error rates and
recovery times.
"""

import json
import os
import random
import time
import uuid
from collections import Counter

from locust import between, events, task

from benchmarks.locustfile import BenchUser, ReadUser
from shared import routes
from shared.settings import Settings

JOURNAL = open(os.environ["PYADAY_SOAK_JOURNAL"], "a", buffering=1, encoding="utf-8")  # noqa: SIM115
TIMELINE = os.environ["PYADAY_SOAK_TIMELINE"]
# (tenth of a second since the epoch, status or exception name): requests
OUTCOMES: Counter = Counter()
# Answers that tell what a write did: it was applied (2xx) or refused without changing anything
# (4xx; 503: "the request changed nothing", API.md). Anything else leaves it unknown.
SETTLED = {200, 201, 204, 400, 401, 404, 409, 412, 413, 415, 422, 503}
RESOLVE_WITHIN_S = 30.0


@events.request.add_listener
def count_outcome(response_time, response=None, exception=None, start_time=None, **_kwargs):
    status = getattr(response, "status_code", 0) or type(exception).__name__
    answered_at = (start_time or time.time()) + response_time / 1000
    OUTCOMES[int(answered_at * 10), status] += 1


@events.quitting.add_listener
def save_timeline(**_kwargs):
    with open(TIMELINE, "w", encoding="utf-8") as timeline:
        for (tenth, status), requests in sorted(OUTCOMES.items(), key=str):
            timeline.write(json.dumps([tenth, status, requests]) + "\n")


class SoakReader(ReadUser):
    """ReadUser's mix of reads, with a pause between them: a soak, not a benchmark."""

    weight = 3
    wait_time = between(0.01, 0.1)


class SoakCurator(BenchUser):
    """Creates a package, edits it under If-Match, sometimes deletes it; journals every write.

    When a write gets no answer that settles it (the connection broke, a worker died), the
    curator reads the package until the app answers, journals what it finds, and starts over.
    """

    weight = 1
    wait_time = between(0.05, 0.2)

    def on_start(self):
        token = Settings.from_env().curator_tokens[0]
        self.auth = {"Authorization": f"Bearer {token}"}

    @task
    def lifecycle(self):
        name = f"soak-{uuid.uuid4().hex[:12]}"
        fields = {"name": name, "version": "1.0", "summary": "written under faults"}
        answer = self.write("POST", routes.PACKAGES, name, json=fields)
        for number in range(random.randint(0, 3)):
            if answer.status_code not in (200, 201):
                return
            patch = {"summary": f"edit {number}", "download_rank": number + 1}
            answer = self.write("PATCH", routes.package_path(name), name, answer, json=patch)
        if answer.status_code in (200, 201) and random.random() < 0.3:
            self.write("DELETE", routes.package_path(name), name, answer)

    def write(self, method: str, path: str, name: str, previous=None, **kwargs):
        headers = dict(self.auth)
        if previous is not None:
            headers["If-Match"] = previous.headers["ETag"]
        answer = self.client.request(method, path, name=f"{method} soak", headers=headers, **kwargs)
        journal(method, name, answer)
        if answer.status_code not in SETTLED:
            self.resolve(name)
        return answer

    def resolve(self, name: str) -> None:
        """Read the package until the app answers 200 or 404, and journal what it holds."""
        deadline = time.monotonic() + RESOLVE_WITHIN_S
        while time.monotonic() < deadline:
            answer = self.client.get(routes.package_path(name), name="GET soak resolve")
            if answer.status_code in (200, 404):
                journal("RESOLVE", name, answer)
                return
            time.sleep(0.2)
        journal("UNRESOLVED", name, answer)


def journal(operation: str, name: str, answer) -> None:
    body = answer.text if answer.status_code in (200, 201) else None
    record = {"t": time.time(), "op": operation, "name": name, "status": answer.status_code}
    JOURNAL.write(json.dumps(record | {"body": body}) + "\n")
