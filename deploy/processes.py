"""The pieces the cluster launcher starts and watches: child processes, ports, waits."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "haproxy.cfg.tmpl"
HOST = "127.0.0.1"
DATABASE = "shopassist"
PG_SUPERUSER = "cluster"
SERVER_PREFIX = "api"  # HAProxy's server names: api0, api1, ...


class ClusterError(RuntimeError):
    pass


# ---- small helpers -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def port_free(port: int) -> bool:
    """Nothing listens on ``port`` (connections in TIME_WAIT do not count: the servers
    bind with SO_REUSEADDR, as this check does)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def http_status(url: str, timeout: float = 2.0) -> Optional[int]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except OSError:
        return None


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(condition: Callable[[], bool], timeout: float, what: str,
             interval: float = 0.2, alive: Optional[Callable[[], bool]] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if alive is not None and not alive():
            raise ClusterError(f"{what}: the process exited")
        time.sleep(interval)
    raise ClusterError(f"{what}: not ready after {timeout:.0f} s")


def is_root() -> bool:
    return os.geteuid() == 0


def postgres_bin() -> Path:
    """The newest PostgreSQL server binaries (PG_BIN overrides)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterError("PostgreSQL server binaries (initdb, pg_ctl) not found: install the "
                       "Debian package postgresql, or set PG_BIN")


def haproxy_bin() -> str:
    binary = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists()
                                         else None)
    if binary is None:
        raise ClusterError("haproxy is not installed (make system-packages installs it: "
                           "apt-get install haproxy)")
    return binary


# ---- child processes -----------------------------------------------------------------

class Child:
    """A child process in its own session (Ctrl-C in the terminal reaches the launcher
    only, which then stops the children in order), logging to a file."""

    def __init__(self, name: str, args: Sequence[str], log: Path,
                 env: Optional[Dict[str, str]] = None,
                 ready: Optional[Callable[[], bool]] = None) -> None:
        self.name, self.args, self.log, self.env, self.ready = name, list(args), log, env, ready
        self.proc: Optional[subprocess.Popen] = None

    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc is not None else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def spawn(self) -> Child:
        if self.alive():
            raise ClusterError(f"{self.name} is already running (pid {self.pid})")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            out.write(f"\n---- {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.name}\n"
                      .encode())
            out.flush()
            self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        return self

    def wait_ready(self, timeout: float) -> Child:
        assert self.ready is not None
        try:
            wait_for(self.ready, timeout, f"{self.name} (log: {self.log})", alive=self.alive)
        except ClusterError:
            self.stop()
            raise
        return self

    def start(self, timeout: float = 180) -> Child:
        return self.spawn().wait_ready(timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown at all (a crash, the OOM killer)."""
        if self.alive():
            assert self.proc is not None
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait()
        self.proc = None

    def stop(self, grace: float = 15) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds."""
        if self.alive():
            assert self.proc is not None
            self.proc.terminate()
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


# ---- PostgreSQL ----------------------------------------------------------------------
