"""Child processes started beside the service: a local Redis (``make run`` without
REDIS_URL), and for tests and benchmarks private Redis servers and the action server
plain Rasa clients use; each on its own port, stoppable and restartable (fault tests
stop and restart them)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def redis_ok(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Process:
    """A child process that can be stopped and started again on the same port."""

    def __init__(self, name: str, args: List[str], ready: Callable[[], bool],
                 env: Optional[Dict[str, str]] = None, log: Optional[Path] = None) -> None:
        self.name, self.args, self.ready, self.env, self.log = name, args, ready, env, log
        self.proc: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 180) -> Process:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env={**os.environ, **(self.env or {})},
                                     stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} (log: {self.log})")
            if self.ready():
                return self
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"{self.name} did not become ready in {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def redis_process(port: int, log: Optional[Path] = None) -> Process:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (make setup installs it: "
                           "apt-get install redis-server)")
    return Process("redis", [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], lambda: redis_ok(port), log=log)


LOCAL_REDIS_PORT = 6379


def local_redis(port: int = LOCAL_REDIS_PORT, log: Optional[Path] = None
                ) -> Tuple[Optional[str], Optional[Process], str]:
    """A Redis for running locally: the one answering on ``port``, or one started there.
    Returns its URL (None: no Redis server could be had), the process started (None: none
    was) and a line saying which."""
    url = f"redis://127.0.0.1:{port}/0"
    if redis_ok(port):
        return url, None, f"Redis: using the server already running at {url}"
    try:
        process = redis_process(port, log).start(timeout=20)
    except (RuntimeError, TimeoutError) as e:
        return None, None, (f"WARNING: no Redis ({e}); live updates reach this process's "
                            "agents only (set REDIS_URL or install redis-server)")
    return url, process, f"Redis: started redis-server at {url} (stops with the service)"


def action_process(port: int, database_url: Optional[str] = None,
                   log: Optional[Path] = None) -> Process:
    """`rasa run actions` for this project; the order store is DATABASE_URL's (or the given one)."""
    rasa = str(Path(sys.executable).parent / "rasa")
    env = {"PYTHONPATH": str(ROOT)}
    if database_url:
        env["DATABASE_URL"] = database_url
    return Process("action server", [rasa, "run", "actions", "--actions", "actions",
                                     "--port", str(port)],
                   lambda: http_ok(f"http://127.0.0.1:{port}/health"), env=env, log=log)
