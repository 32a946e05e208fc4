"""System programs the project needs (ab, chromium, nginx...): found, or installed when it can.

As root on Debian or Ubuntu, a missing program is installed from the distribution's packages
with apt-get; elsewhere the caller says how to install it, or skips with the reason.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_or_install(program: str, package: str) -> str | None:
    """The path of ``program``, installing ``package`` first if it is missing and we can."""
    if find(program):
        return find(program)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"{program} is missing: installing {package} with apt-get", flush=True)
        apt_get_install(package)
    return find(program)


def find(program: str) -> str | None:
    """On PATH, or in the sbin folders a non-root PATH leaves out (nginx lives there)."""
    return shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")


def apt_get_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]
    if subprocess.run(install, env=env, timeout=600, check=False).returncode:
        # A fresh container often has no package lists yet.
        subprocess.run(["apt-get", "update", "-qq"], env=env, timeout=600, check=False)
        subprocess.run(install, env=env, timeout=600, check=False)


MEMORY_FOLDER = Path("/dev/shm")


def scratch_folder(prefix: str) -> Path:
    """A new temporary folder, in memory (``/dev/shm``) where the system has one: for the
    databases the tests write hard, whose writes and syncs on disk slow every other test."""
    in_memory = MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=MEMORY_FOLDER if in_memory else None))
