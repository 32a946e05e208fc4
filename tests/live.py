"""Run the API suite over real HTTP against a real gunicorn and a real Sanic server.

``python -m tests.live`` (the last step of ``make test``) starts the local package index and
each production server on free local ports, runs ``pytest --live URL --index URL`` on the API
tests against the server, and stops them.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.servers import FRAMEWORKS, PROJECT_ROOT, running_index, running_server
from tests.clients import CURATOR_TOKEN

API_TESTS = sorted(
    str(path.relative_to(PROJECT_ROOT)) for path in PROJECT_ROOT.glob("tests/test_api*.py")
)


# Short, so that the tests of an index too slow or silent wait little; still far above what
# the local index takes to answer.
INDEX_TIMEOUT = "0.5"


def run_suite_against(framework: str, index_url: str, log_folder: Path) -> int:
    env = {
        "PYADAY_CURATOR_TOKENS": CURATOR_TOKEN,
        "PYADAY_DATABASE_URL": "memory://",
        "PYADAY_INDEX_URL": index_url,
        "PYADAY_INDEX_TIMEOUT": INDEX_TIMEOUT,
    }
    with running_server(framework, log_folder / f"{framework}.log", env=env) as server:
        print(f"== API suite over HTTP against {framework} at {server.url}", flush=True)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        options = [f"--live={server.url}", f"--index={index_url}"]
        return subprocess.call([*command, *options, *API_TESTS], cwd=PROJECT_ROOT)


def main() -> int:
    if not API_TESTS:
        print("no tests/test_api*.py files: nothing to run live", file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory(prefix="pyaday-live-") as log_folder,
        running_index(Path(log_folder) / "index.log") as index_url,
    ):
        failures = [
            fw for fw in FRAMEWORKS if run_suite_against(fw, index_url, Path(log_folder)) != 0
        ]
    if failures:
        print(f"live API suite failed against: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
