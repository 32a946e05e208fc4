"""A throwaway PostgreSQL server for the tests and the benchmarks: ``initdb`` into a temporary
folder, ``pg_ctl``.

It listens on a Unix socket in that folder only (no TCP port to collide with), runs without
fsync (nothing here must survive a crash), and is stopped and removed when the session ends.
PostgreSQL refuses to run as root, so as root (CI) it runs as the ``postgres`` user.
Each test works in a schema of its own in one database: as isolated as a database per test,
and ten times faster to make (~10 ms, where CREATE DATABASE takes ~150 ms here). The benchmark
seeds a database once per catalogue size and gives each server a file copy of it
(``copy_database``): at 700,000 packages a copy takes about a second, a seed about twenty.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from urllib.parse import quote

import psycopg

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
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pyaday-pg-"))
        self.data = self.folder / "data"
        self._schema_numbers = count(1)
        if os.geteuid() == 0:
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
        try:
            self.stop()
        except RuntimeError:
            pass  # it was not running
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self) -> None:
        with psycopg.connect(self.url(database="postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
        # pg_trgm in public, once: the stores would otherwise create it in the first schema
        # of their search_path, a test's own, and dropping that schema would drop it.
        self._execute("CREATE EXTENSION pg_trgm SCHEMA public")

    def url(self, schema: str | None = None, database: str = DATABASE) -> str:
        """Where to connect; with ``schema``, a connection whose tables live in that schema."""
        url = f"postgresql:///{database}?host={quote(str(self.folder), safe='')}&user={SUPERUSER}"
        if schema:
            url += "&options=" + quote(f"-c search_path={schema}", safe="")
        return url

    def create_schema(self, copy_of: str | None = None) -> str:
        """A fresh schema: empty, or holding a copy of every table of ``copy_of``."""
        name = f"test_{next(self._schema_numbers)}"
        statements = [f"CREATE SCHEMA {name}"]
        for table in self._tables(copy_of) if copy_of else ():
            statements += [
                f"CREATE TABLE {name}.{table} (LIKE {copy_of}.{table} INCLUDING ALL)",
                f"INSERT INTO {name}.{table} SELECT * FROM {copy_of}.{table}",
            ]
        self._execute(*statements)
        return name

    def copy_database(self, template: str, name: str) -> str:
        """A new database ``name``, a file copy of ``template`` (which nobody may be connected
        to): its URL. ``FILE_COPY`` copies the files at once, where PostgreSQL 15's default
        strategy writes every page to the WAL."""
        with psycopg.connect(self.url(database="postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        return self.url(database=name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(database="postgres"), autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def postmaster_pid(self) -> int:
        """The server's first process, whose children serve the connections."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def _tables(self, schema: str) -> list[str]:
        with psycopg.connect(self.url()) as connection:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename"
            return [row[0] for row in connection.execute(query, (schema,))]

    def drop_schema(self, name: str) -> None:
        self._execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def _execute(self, *statements: str) -> None:
        with psycopg.connect(self.url()) as connection:
            for statement in statements:
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
    reason = why_unavailable() if "postgresql" in stores else "not asked for"
    if reason:
        if "postgresql" in stores:
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
