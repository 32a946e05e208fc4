"""A throwaway PostgreSQL server for the tests and the benchmarks: ``initdb`` into a temporary
folder, ``pg_ctl``.

It listens on a Unix socket in that folder only (no TCP port to collide with), runs without
fsync (nothing here must survive a crash), and is stopped and removed when the session ends.
The folder is in memory (``/dev/shm``) where the system has one: CREATE and DROP DATABASE
write and checkpoint files even without fsync, and a copy on disk took ~150 ms, in memory ~20.
PostgreSQL refuses to run as root, so as root (CI) it runs as the ``postgres`` user.
Several processes may share one server (pytest-xdist's workers): each names what it makes
after its process id.

Each test works in a database or a schema of its own. An empty one is a schema (~10 ms to
make). A seeded one is a database copied from a template database, file by file: copying the
rows into a fresh schema would rebuild the trigram search index, ~200 ms for 5,000 packages.
The benchmark seeds a database once per catalogue size and gives each server a copy of it:
at 700,000 packages a copy takes about a second, a seed about twenty.
"""

import glob
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from itertools import count
from pathlib import Path
from urllib.parse import quote

import psycopg

from benchmarks.system import scratch_folder

SOCKET_PORT = 5432  # names the socket file only: the server opens no TCP port
SUPERUSER = "postgres"
DATABASE = "pyaday_tests"
SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    # Room for a catalogue of PyPI's size (about 300 MB with its indexes) in PostgreSQL's own
    # cache, as a production server would give it; the default, 128 MB, is not. Memory is
    # taken as pages are used, so a small test database costs no more.
    "shared_buffers": "512MB",
}


def find_binary(name: str) -> str | None:
    """On PATH, or where Debian and Ubuntu keep them (``/usr/lib/postgresql/<major>/bin``)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return shutil.which(name) or (candidates[-1] if candidates else None)


def why_unavailable() -> str | None:
    """Why the tests cannot start PostgreSQL here (the skip reason), or None when they can."""
    missing = [name for name in ("initdb", "pg_ctl") if not find_binary(name)]
    if missing:
        return f"PostgreSQL binaries not found ({', '.join(missing)}): PostgreSQL tests skipped"
    if os.geteuid() == 0 and not (shutil.which("runuser") and _user_exists(SUPERUSER)):
        return f"running as root without runuser or a {SUPERUSER!r} user to run PostgreSQL as"
    return None


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class ThrowawayPostgres:
    def __init__(self, folder: Path | None = None) -> None:
        """A new server's folder, or with ``folder`` the server another process started there."""
        self.folder = folder or scratch_folder("pyaday-pg-")
        self.data = self.folder / "data"
        self._numbers = count(1)
        self._dropped: list[str] = []
        if folder is None and os.geteuid() == 0:
            shutil.chown(self.folder, SUPERUSER, SUPERUSER)

    def initdb(self) -> None:
        self._run(
            "initdb",
            *("-D", str(self.data), "-U", SUPERUSER, "--auth=trust"),
            *("--encoding=UTF8", "--locale=C", "--no-sync"),
        )

    def start(self) -> None:
        settings = " ".join(f"-c {name}={value}" for name, value in SERVER_SETTINGS.items())
        options = f"-k {self.folder} -p {SOCKET_PORT} {settings}"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as when a real server goes away."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if "_admin" in self.__dict__:
            self._admin.close()
        try:
            self.stop()
        except RuntimeError:
            pass  # it was not running
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str = DATABASE) -> None:
        self._execute_in("postgres", f"CREATE DATABASE {name}")
        # pg_trgm in public, once: the stores would otherwise create it in the first schema
        # of their search_path, a test's own, and dropping that schema would drop it.
        self._execute_in(name, "CREATE EXTENSION pg_trgm SCHEMA public")

    def make_template(self, name: str) -> None:
        """Let ``name`` be copied (see ``copy_database``), and never connected to again: a
        database cannot be copied while anyone is connected to it."""
        self._execute_in("postgres", f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false")

    def copy_database(self, template: str, name: str | None = None) -> str:
        """A fresh database holding a copy of ``template``'s files (tables, rows and indexes),
        named ``name`` or a new name: its name. Nobody may be connected to ``template``."""
        for dropped in self._dropped:
            self._admin.execute(f"DROP DATABASE IF EXISTS {dropped} WITH (FORCE)")
        self._dropped.clear()
        name = name or self._new_name()
        # PostgreSQL 15 and later copy through the WAL by default; copying the files of a
        # small template is faster (13 ms on tmpfs, where the WAL takes 16).
        strategy = " STRATEGY FILE_COPY" if self._admin.info.server_version >= 150000 else ""
        self._admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}{strategy}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name`` at this process's next copy, or with the server: a backend exits a
        moment after its client closes, and a DROP that still finds one waits 100 ms."""
        self._dropped.append(name)

    @cached_property
    def _admin(self) -> psycopg.Connection:
        """One connection for this process's CREATE and DROP DATABASE: each new connection
        costs the server a process (~3 ms)."""
        return psycopg.connect(self.url(database="postgres"), autocommit=True)

    def url(self, schema: str | None = None, database: str = DATABASE) -> str:
        """Where to connect; with ``schema``, a connection whose tables live in that schema."""
        url = f"postgresql:///{database}?host={quote(str(self.folder), safe='')}&user={SUPERUSER}"
        if schema:
            url += "&options=" + quote(f"-c search_path={schema}", safe="")
        return url

    def create_schema(self) -> str:
        """A fresh, empty schema."""
        name = self._new_name()
        self._execute(f"CREATE SCHEMA {name}")
        return name

    def drop_schema(self, name: str) -> None:
        self._execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def postmaster_pid(self) -> int:
        """The server's first process, whose children serve the connections."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def _new_name(self) -> str:
        return f"test_{os.getpid()}_{next(self._numbers)}"

    def _execute(self, *statements: str) -> None:
        with psycopg.connect(self.url()) as connection:
            for statement in statements:
                connection.execute(statement)

    def _execute_in(self, database: str, statement: str) -> None:
        """One statement outside a transaction, as CREATE and DROP DATABASE must be."""
        with psycopg.connect(self.url(database=database), autocommit=True) as connection:
            connection.execute(statement)

    def _run(self, binary: str, *args: str) -> None:
        command = [find_binary(binary), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{binary} failed ({done.returncode}): {done.stderr.strip()}")


@contextmanager
def throwaway_postgres_for(stores: list[str]) -> Iterator[ThrowawayPostgres | None]:
    """For a command-line measurement: a throwaway PostgreSQL while the block runs, when
    ``stores`` name it and this machine can run one; else None, having said why."""
    if "postgresql" not in stores:
        yield None
        return
    reason = why_unavailable()
    if reason:
        print(f"PostgreSQL skipped: {reason}", flush=True)
        yield None
        return
    print("starting a throwaway PostgreSQL", flush=True)
    postgres = start_throwaway_postgres()
    try:
        yield postgres
    finally:
        postgres.remove()


def start_throwaway_postgres() -> ThrowawayPostgres:
    """A running server with an empty test database; removed again if starting fails."""
    server = ThrowawayPostgres()
    try:
        server.initdb()
        server.start()
        server.create_database()
    except BaseException:
        server.remove()
        raise
    return server
