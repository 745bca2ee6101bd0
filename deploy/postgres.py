"""The cluster's own PostgreSQL: initdb + pg_ctl in the state directory (as the
``postgres`` system user when run as root, since initdb refuses root)."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import List, Optional

from deploy.processes import (
    DATABASE,
    HOST,
    PG_SUPERUSER,
    ClusterError,
    free_port,
    is_root,
    postgres_bin,
    wait_for,
)


class Postgres:
    """A PostgreSQL cluster of our own: initdb once, pg_ctl start/stop."""

    def __init__(self, state_dir: Path, log_dir: Path) -> None:
        self.bin = postgres_bin()
        self.state_dir = state_dir
        self.log_dir = log_dir
        self.port = 0
        self.password_file = state_dir / "postgres-password"
        self.ephemeral: Optional[Path] = None  # a data dir outside the state dir, removed at stop
        self.data = self._data_dir()

    # root: everything runs as the postgres system user, who owns the data directory
    def _user(self) -> Optional[str]:
        if not is_root():
            return None
        try:
            pwd.getpwnam("postgres")
        except KeyError as e:
            raise ClusterError("running as root needs the `postgres` system user "
                               "(the Debian postgresql package creates it)") from e
        return "postgres"

    def _as_owner(self, args: List[str]) -> List[str]:
        user = self._user()
        return ["runuser", "-u", user, "--", *args] if user else args

    def _data_dir(self) -> Path:
        user = self._user()
        inside = self.state_dir / "postgres"
        if user is None:
            return inside
        # the postgres user must be able to reach the state directory (a pytest tmp dir
        # under /tmp/pytest-of-root is 0700): otherwise a private directory under /tmp
        reachable = subprocess.run(["runuser", "-u", user, "--", "test", "-x", str(self.state_dir)],
                                   capture_output=True).returncode == 0
        if reachable:
            return inside
        self._remove_earlier_ephemeral()
        self.ephemeral = Path(tempfile.mkdtemp(prefix="shopassist-pg-"))
        shutil.chown(self.ephemeral, user, user)
        (self.state_dir / "postgres-location").write_text(f"{self.ephemeral}\n")
        return self.ephemeral / "data"

    def _remove_earlier_ephemeral(self) -> None:
        """An earlier run's private data directory (its launcher was killed): stop its
        server, remove it."""
        location = self.state_dir / "postgres-location"
        if not location.exists():
            return
        earlier = Path(location.read_text().strip())
        data = earlier / "data"
        if earlier.name.startswith("shopassist-pg-") and earlier.is_dir():
            if (data / "postmaster.pid").exists():
                self._run([str(self.bin / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate",
                           "-w"], check=False)
            shutil.rmtree(earlier, ignore_errors=True)
        location.unlink()
        self.password_file.unlink(missing_ok=True)

    @property
    def log(self) -> Path:
        return self.data / "server.log"  # written by the server's user

    def _run(self, args: List[str], check: bool = True, timeout: float = 120
             ) -> subprocess.CompletedProcess:
        result = subprocess.run(self._as_owner(args), capture_output=True, text=True,
                                timeout=timeout, cwd="/")
        if check and result.returncode != 0:
            raise ClusterError(f"{' '.join(args[:2])} failed ({result.returncode}): "
                               f"{(result.stderr or result.stdout).strip()[-2000:]}")
        return result

    def password(self) -> str:
        return self.password_file.read_text().strip()

    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists() and self.password_file.exists()

    def init(self) -> None:
        if self.initialised():
            return
        if self.data.exists():
            shutil.rmtree(self.data)
        self.data.mkdir(parents=True)
        os.chmod(self.data, 0o700)
        user = self._user()
        if user:
            shutil.chown(self.data, user, user)
        password = secrets.token_hex(16)
        with tempfile.NamedTemporaryFile("w", prefix="pw-", delete=False) as f:
            f.write(password + "\n")
            pwfile = f.name
        try:
            if user:
                shutil.chown(pwfile, user, user)
            self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", PG_SUPERUSER,
                       "--pwfile", pwfile, "--auth-host=scram-sha-256", "--auth-local=reject",
                       "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"], timeout=300)
        finally:
            os.unlink(pwfile)
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# deploy/cluster.py\n"
                       "listen_addresses = '127.0.0.1'\n"
                       "unix_socket_directories = ''\n"
                       "max_connections = 300\n"
                       "shared_buffers = 128MB\n"
                       "log_min_messages = warning\n"
                       "log_line_prefix = '%m [%p] '\n")
        # only password logins over 127.0.0.1 (initdb's pg_hba.conf also allows ::1)
        (self.data / "pg_hba.conf").write_text(
            "host all all 127.0.0.1/32 scram-sha-256\n")
        if user:
            shutil.chown(self.data / "pg_hba.conf", user, user)
        self.password_file.write_text(password + "\n")
        os.chmod(self.password_file, 0o600)

    def running(self) -> bool:
        return self._run([str(self.bin / "pg_ctl"), "status", "-D", str(self.data)],
                         check=False).returncode == 0

    def start(self) -> None:
        if self.running():  # left over by a launcher that was killed: ours, by its data dir
            self._run([str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate",
                       "-w"], check=False)
        self.port = free_port()
        self._run([str(self.bin / "pg_ctl"), "start", "-D", str(self.data), "-l", str(self.log),
                   "-w", "-t", "120", "-o", f"-p {self.port}"], timeout=180)
        wait_for(self._accepts, 30, "PostgreSQL")

    def _accepts(self) -> bool:
        try:
            import psycopg2
        except ImportError:  # pragma: no cover
            return True
        try:
            psycopg2.connect(self.url("postgres"), connect_timeout=2).close()
            return True
        except psycopg2.OperationalError:
            return False

    def stop(self) -> None:
        if self.data.exists() and self.running():
            self._run([str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast",
                       "-w", "-t", "60"], check=False, timeout=90)
        if self.ephemeral is not None:
            shutil.rmtree(self.ephemeral, ignore_errors=True)
            (self.state_dir / "postgres-location").unlink(missing_ok=True)

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://{PG_SUPERUSER}:{self.password()}@{HOST}:{self.port}/{database}"

    def create_database(self, name: str = DATABASE) -> bool:
        """Create ``name`` if missing; True if it was created."""
        import psycopg2

        conn = psycopg2.connect(self.url("postgres"), connect_timeout=5)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cur.fetchone():
                    return False
                cur.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
                return True
        finally:
            conn.close()


# ---- the cluster ---------------------------------------------------------------------
