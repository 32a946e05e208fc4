"""The system programs the tests use, installed in one apt-get run before the suite starts
(``make test``), rather than one by one as each test finds its program missing.

As root with apt-get, the missing ones are installed; elsewhere nothing is, and each test that
needs one skips with the reason (``benchmarks/system.py``).
"""

import os
import shutil

from benchmarks.postgres import find_binary
from benchmarks.system import apt_get_install, find

# The Debian package that holds each program, and whether the program is here.
PACKAGES = {
    "chromium": lambda: find("chromium"),  # tests/test_learn.py: the diff page in a browser
    "nginx": lambda: find("nginx"),  # tests/test_slow_clients.py: nginx in front of gunicorn
    "postgresql": lambda: find_binary("initdb") and find_binary("pg_ctl"),  # benchmarks/postgres.py
}


def install_missing() -> None:
    missing = [package for package, found in PACKAGES.items() if not found()]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(missing)} with apt-get", flush=True)
        apt_get_install(*missing)


if __name__ == "__main__":
    install_missing()
