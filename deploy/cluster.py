"""N API processes behind HAProxy, on their own PostgreSQL and Redis, all on 127.0.0.1.

    python -m deploy.cluster [--workers 3] [--port 8080] [--state-dir var/cluster] [--fresh]

starts, in the state directory:

- PostgreSQL (initdb + pg_ctl from /usr/lib/postgresql/<newest>/bin; as the ``postgres``
  system user when run as root, since initdb refuses root) on a free port, password
  authentication on 127.0.0.1 only, no Unix socket; the database ``shopassist`` migrated
  (``bot.store.db.migrate``) and, when it has no shops, the demo shops loaded;
- Redis (no persistence) on a free port;
- N ``python -m api serve`` processes (``WORKERS=1`` each, ``ENV=local``) on free ports;
- HAProxy (``deploy/haproxy.cfg.tmpl``) on ``--port``, round robin over the processes that
  answer ``/healthz``; its statistics on another port.

It waits until every process is ready, prints the front URL and the demo users' tokens
and runs until Ctrl-C (or SIGTERM), which stops everything it started. The data directory
is kept between runs (``--fresh`` starts from an empty database).

Tests drive the same thing from Python::

    with Cluster(state_dir=tmp, workers=3) as cluster:
        cluster.front_url, cluster.api_urls, cluster.database_url, cluster.redis_url
        cluster.kill_api(1); cluster.start_api(1); cluster.restart_redis()
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import signal
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from deploy.postgres import Postgres
from deploy.processes import (
    HOST,
    ROOT,
    SERVER_PREFIX,
    TEMPLATE,
    Child,
    ClusterError,
    free_port,
    haproxy_bin,
    http_status,
    port_free,
    redis_ping,
    wait_for,
)


class Cluster:
    """PostgreSQL + Redis + ``workers`` API processes + HAProxy, all on 127.0.0.1."""

    def __init__(self, state_dir: Optional[Path] = None, workers: int = 3, front_port: int = 0,
                 model_path: Optional[Path] = None, log_level: str = "WARNING",
                 fresh: bool = False, api_env: Optional[Dict[str, str]] = None,
                 check_interval_ms: int = 1000, demo_now: Optional[object] = None,
                 quiet: bool = True) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.state_dir = Path(state_dir or ROOT / "var" / "cluster").resolve()
        self.workers = workers
        self.front_port = front_port
        self.model_path = Path(model_path or ROOT / "models" / "assistant.tar.gz").resolve()
        self.log_level = log_level
        self.fresh = fresh
        self.api_env = dict(api_env or {})
        self.check_interval_ms = check_interval_ms
        self.demo_now = demo_now
        self.quiet = quiet
        self.log_dir = self.state_dir / "logs"
        self.postgres: Optional[Postgres] = None
        self.redis: Optional[Child] = None
        self.redis_port = 0
        self.apis: List[Child] = []
        self.api_ports: List[int] = []
        self.haproxy: Optional[Child] = None
        self.stats_port = 0
        self.tokens: Dict[str, str] = {}
        self._lock = threading.Lock()
        self._started = False

    # -- what tests and the launcher read
    @property
    def front_url(self) -> str:
        return f"http://{HOST}:{self.front_port}"

    @property
    def api_urls(self) -> List[str]:
        return [f"http://{HOST}:{port}" for port in self.api_ports]

    @property
    def database_url(self) -> str:
        assert self.postgres is not None, "not started"
        return self.postgres.url()

    @property
    def redis_url(self) -> str:
        return f"redis://{HOST}:{self.redis_port}/0"

    @property
    def stats_url(self) -> str:
        return f"http://{HOST}:{self.stats_port}/stats"

    def _say(self, line: str) -> None:
        if not self.quiet:
            print(line, flush=True)

    # -- start / stop
    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self, timeout: float = 420) -> Cluster:
        if not self.model_path.exists():
            raise ClusterError(f"{self.model_path} is missing: run `make train`")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._stop_leftovers()
        if self.fresh:
            self._wipe()
        try:
            self._start_postgres()
            self._start_redis()
            self._start_apis(timeout)
            self._start_haproxy()
            self._write_state()
            self._started = True
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Everything this cluster started, front first; a step that fails does not keep
        the next ones from running."""
        failed: List[str] = []

        def step(name: str, action: Callable[[], None]) -> None:
            try:
                action()
            except Exception as e:
                failed.append(f"{name}: {e}")

        if self.haproxy is not None:
            step("haproxy", lambda: self.haproxy.stop(grace=5))  # type: ignore[union-attr]
        for api in self.apis:  # SIGTERM to all, then wait for each
            if api.alive():
                step(api.name, api.proc.terminate)  # type: ignore[union-attr]
        for api in self.apis:
            step(api.name, api.stop)
        if self.redis is not None:
            step("redis", self.redis.stop)
        if self.postgres is not None:
            step("postgres", self.postgres.stop)
        if not failed:
            (self.state_dir / "cluster.json").unlink(missing_ok=True)
        self._started = False
        if failed:
            raise ClusterError("could not stop everything: " + "; ".join(failed))

    def _wipe(self) -> None:
        for name in ("postgres", "postgres-password", "haproxy.cfg"):
            path = self.state_dir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    # -- leftovers of a launcher that was killed (SIGKILL: no clean-up ran)
    def _write_state(self) -> None:
        children = [c for c in [self.haproxy, self.redis, *self.apis] if c is not None and c.pid]
        state = {"launcher": os.getpid(),
                 "launcher_started": _started(os.getpid()),
                 "children": [{"name": c.name, "pid": c.pid, "started": _started(c.pid)}
                              for c in children if c.pid]}
        (self.state_dir / "cluster.json").write_text(json.dumps(state, indent=1))

    def _stop_leftovers(self) -> None:
        path = self.state_dir / "cluster.json"
        if not path.exists():
            return
        try:
            state = json.loads(path.read_text())
        except ValueError:
            path.unlink()
            return
        launcher = state.get("launcher")
        if (launcher and launcher != os.getpid()
                and _started(launcher) == state.get("launcher_started")):
            raise ClusterError(f"another launcher (pid {launcher}) runs this state directory "
                               f"{self.state_dir}; stop it first or use --state-dir")
        for child in state.get("children", []):
            pid, started = child.get("pid"), child.get("started")
            if pid and started and _started(pid) == started:  # that very process, still running
                self._say(f"stopping {child['name']} (pid {pid}) left by an earlier run")
                try:
                    os.kill(pid, signal.SIGTERM)
                    wait_for(lambda p=pid, t=started: _started(p) != t, 15, child["name"])
                except (OSError, ClusterError):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
        path.unlink()

    # -- PostgreSQL: schema, demo shops, demo users
    def _start_postgres(self) -> None:
        self.postgres = Postgres(self.state_dir, self.log_dir)
        new = not self.postgres.initialised()
        if new:
            self._say(f"PostgreSQL: initdb in {self.postgres.data}")
        self.postgres.init()
        self.postgres.start()
        self.postgres.create_database()
        url = self.postgres.url()
        from bot.store.db import make_engine, migrate, session_factory

        migrate(url)
        engine = make_engine(url)
        try:
            factory = session_factory(engine)
            with factory() as session:
                from bot.store.demo import SHOPS, load_demo
                from bot.store.models import Shop

                if session.query(Shop).count() == 0:
                    load_demo(session, now=self.demo_now)  # type: ignore[arg-type]
                    session.commit()
                    self._say(f"order store: loaded the demo shops ({', '.join(SHOPS)})")
                self.tokens = self._demo_tokens(session)
                session.commit()
        finally:
            engine.dispose()
        self._say(f"PostgreSQL: {self.postgres.url().replace(self.postgres.password(), '***')}")

    @staticmethod
    def _demo_tokens(session: object) -> Dict[str, str]:
        from api.__main__ import DEMO_USERS
        from bot.assist.users import create_user, rotate_token
        from bot.store.service_models import User

        tokens = {}
        for name, role, shops in DEMO_USERS:
            if session.query(User).filter_by(name=name).first() is None:  # type: ignore[attr-defined]
                _, tokens[name] = create_user(session, name, role, shops)  # type: ignore[arg-type]
            else:
                tokens[name] = rotate_token(session, name)  # type: ignore[arg-type]
        return tokens

    def create_user(self, name: str, role: str, shops: Sequence[str]) -> str:
        """A user in the cluster's database; returns the token."""
        from bot.assist.users import create_user
        from bot.store.db import make_engine, session_factory

        engine = make_engine(self.database_url)
        try:
            with session_factory(engine)() as session:
                _, token = create_user(session, name, role, list(shops))
                session.commit()
                return token
        finally:
            engine.dispose()

    # -- Redis
    def _redis_child(self) -> Child:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ClusterError("redis-server is not installed (make system-packages)")
        port = self.redis_port
        return Child("redis", [binary, "--port", str(port), "--bind", HOST, "--save", "",
                               "--appendonly", "no", "--protected-mode", "yes"],
                     self.log_dir / "redis.log", ready=lambda: redis_ping(port))

    def _start_redis(self) -> None:
        self.redis_port = free_port()
        self.redis = self._redis_child().start(timeout=30)
        self._say(f"Redis: {self.redis_url}")

    def stop_redis(self) -> None:
        assert self.redis is not None
        self.redis.stop()

    def start_redis(self) -> None:
        assert self.redis is not None
        if not port_free(self.redis_port):
            wait_for(lambda: port_free(self.redis_port), 10, "Redis port")
        self.redis.start(timeout=30)
        self._write_state()

    def restart_redis(self, down_seconds: float = 0.0) -> None:
        """Stop Redis (its pub/sub and counters are gone) and start it on the same port."""
        self.stop_redis()
        if down_seconds:
            time.sleep(down_seconds)
        self.start_redis()

    # -- API processes
    def _api_env(self, port: int) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items()}
        env.update({"HOST": HOST, "PORT": str(port), "DATABASE_URL": self.database_url,
                    "REDIS_URL": self.redis_url, "ENV": "local", "WORKERS": "1",
                    "MODEL_PATH": str(self.model_path), "LOG_LEVEL": self.log_level,
                    "CANDIDATES_DIR": str(self.state_dir / "candidates"),
                    "OMP_NUM_THREADS": env.get("OMP_NUM_THREADS", "1"),
                    "TF_CPP_MIN_LOG_LEVEL": env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
                    "PYTHONWARNINGS": env.get("PYTHONWARNINGS", "ignore"),
                    "PYTHONUNBUFFERED": "1"})
        env.update(self.api_env)
        return env

    def _api_child(self, i: int) -> Child:
        port = self.api_ports[i]
        return Child(f"api{i}", [sys.executable, "-m", "api", "serve"],
                     self.log_dir / f"api{i}.log", env=self._api_env(port),
                     ready=lambda: http_status(f"http://{HOST}:{port}/healthz") == 200)

    def _start_apis(self, timeout: float) -> None:
        self.api_ports = []
        for _ in range(self.workers):
            port = free_port()
            while port in self.api_ports or port == self.redis_port:
                port = free_port()
            self.api_ports.append(port)
        self.apis = [self._api_child(i) for i in range(self.workers)]
        started = time.monotonic()
        self._say(f"API: starting {self.workers} processes (each loads the model)…")
        for api in self.apis:
            api.spawn()
        for api in self.apis:
            api.wait_ready(max(10.0, timeout - (time.monotonic() - started)))
        self._say(f"API: {self.workers} processes ready in {time.monotonic() - started:.0f} s: "
                  + ", ".join(self.api_urls))

    def kill_api(self, i: int) -> None:
        """SIGKILL API process ``i`` (no graceful shutdown: requests in flight are cut)."""
        self.apis[i].kill()

    def stop_api(self, i: int) -> None:
        """SIGTERM API process ``i`` (graceful: in-flight requests finish, streams end)."""
        self.apis[i].stop()

    def start_api(self, i: int, timeout: float = 240, wait_up: bool = True) -> None:
        """Start API process ``i`` again on its port; by default wait until HAProxy sends
        it traffic again."""
        port = self.api_ports[i]
        if not port_free(port):
            wait_for(lambda: port_free(port), 30, f"port {port} of api{i}")
        self.apis[i].start(timeout)
        self._write_state()
        if wait_up and self.haproxy is not None:
            self.wait_server(i, "UP", timeout=30)

    def api_alive(self, i: int) -> bool:
        return self.apis[i].alive()

    # -- HAProxy
    def haproxy_config(self) -> str:
        servers = "\n".join(f"    server {SERVER_PREFIX}{i} {HOST}:{port}"
                            for i, port in enumerate(self.api_ports))
        inter = self.check_interval_ms
        return string.Template(TEMPLATE.read_text()).substitute(
            bind=HOST, front_port=self.front_port, stats_port=self.stats_port,
            stats_socket=str(self.state_dir / "haproxy.sock"), servers=servers,
            check_inter=f"{inter}ms", check_fastinter=f"{max(100, inter // 2)}ms",
            check_downinter=f"{inter}ms")

    def _start_haproxy(self) -> None:
        binary = haproxy_bin()
        if not self.front_port:
            self.front_port = free_port()
        elif not port_free(self.front_port):
            raise ClusterError(f"port {self.front_port} is in use (choose another with --port)")
        self.stats_port = free_port()
        config = self.state_dir / "haproxy.cfg"
        config.write_text(self.haproxy_config())
        check = subprocess.run([binary, "-c", "-q", "-f", str(config)], capture_output=True,
                               text=True)
        if check.returncode != 0:
            raise ClusterError(f"HAProxy refuses {config}: {check.stdout}{check.stderr}")
        self.haproxy = Child("haproxy", [binary, "-f", str(config), "-db"],
                             self.log_dir / "haproxy.log",
                             ready=lambda: http_status(f"{self.front_url}/healthz") == 200)
        self.haproxy.start(timeout=30)
        self.wait_all_up()
        self._say(f"HAProxy: {self.front_url} (statistics: {self.stats_url})")

    def server_states(self) -> Dict[str, str]:
        """HAProxy's view of each API process: {"api0": "UP", "api1": "DOWN", …}."""
        with urllib.request.urlopen(f"{self.stats_url};csv", timeout=3) as response:
            text = response.read().decode()
        rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
        return {row["svname"]: row["status"] for row in rows
                if row.get("pxname") == "api" and row["svname"].startswith(SERVER_PREFIX)}

    def wait_server(self, i: int, status: str, timeout: float = 30) -> None:
        """Wait until HAProxy has API process ``i`` in ``status`` (UP or DOWN)."""
        name = f"{SERVER_PREFIX}{i}"
        wait_for(lambda: self.server_states().get(name, "").split(" ")[0] == status, timeout,
                 f"HAProxy: {name} {status}", interval=0.1)

    def wait_all_up(self, timeout: float = 30) -> None:
        wait_for(lambda: all(s == "UP" for s in self.server_states().values())
                 and len(self.server_states()) == self.workers, timeout, "HAProxy: all UP",
                 interval=0.2)

    def haproxy_counters(self) -> Dict[str, Dict[str, str]]:
        """HAProxy's statistics rows of the API backend and its servers (retries,
        redispatches, errors, responses by class)."""
        with urllib.request.urlopen(f"{self.stats_url};csv", timeout=3) as response:
            text = response.read().decode()
        return {row["svname"]: row for row in csv.DictReader(io.StringIO(text.lstrip("# ")))
                if row.get("pxname") == "api"}


def _started(pid: int) -> Optional[int]:
    """When process ``pid`` started (clock ticks since boot; None: no such process): with
    the pid, it names one process (pids are reused, start times are not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):  # dead, not yet reaped by its parent
        return None
    return int(fields[19])


# ---- the command ---------------------------------------------------------------------

def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.cluster",
        description="N API processes behind HAProxy on their own PostgreSQL and Redis "
                    "(127.0.0.1 only). Ctrl-C stops everything.")
    parser.add_argument("--workers", "-n", type=int,
                        default=int(os.environ.get("CLUSTER_WORKERS", "3")),
                        help="API processes (default 3)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", "8080")),
                        help="HAProxy's port (default 8080; 0: any free port)")
    parser.add_argument("--state-dir", type=Path, default=ROOT / "var" / "cluster",
                        help="data, logs and configuration (default var/cluster/)")
    parser.add_argument("--model", type=Path, default=None, help="default models/assistant.tar.gz")
    parser.add_argument("--log-level", default="WARNING", help="the API processes' (WARNING)")
    parser.add_argument("--fresh", action="store_true",
                        help="start from an empty database (deletes the state directory's data)")
    args = parser.parse_args(argv)

    cluster = Cluster(state_dir=args.state_dir, workers=args.workers, front_port=args.port,
                      model_path=args.model, log_level=args.log_level, fresh=args.fresh,
                      quiet=False)

    def _terminate(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C stops everything, even when started from a shell that ignores SIGINT for
    # background jobs (Python then keeps it ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = 0
    try:
        cluster.start()
        print("demo users (tokens are new at every start):")
        from api.__main__ import DEMO_USERS

        for name, role, shops in DEMO_USERS:
            print(f"  {name:17} {role:10} {','.join(shops) or 'all shops':10} "
                  f"{cluster.tokens[name]}")
        print(f"logs: {cluster.log_dir}/\n"
              f"open {cluster.front_url}/  (health: {cluster.front_url}/healthz)\n"
              "Ctrl-C stops everything.", flush=True)
        dead: Dict[str, int] = {}
        while True:  # say when a process dies (nothing restarts it by itself)
            time.sleep(1)
            for child in [cluster.haproxy, cluster.redis, *cluster.apis]:
                if child is not None and child.proc is not None and child.proc.poll() is not None:
                    if dead.get(child.name) != child.pid:
                        dead[child.name] = child.pid or 0
                        print(f"{child.name} exited with {child.proc.returncode} "
                              f"(log: {child.log})", flush=True)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    except ClusterError as e:
        print(f"error: {e}", file=sys.stderr)
        code = 1
    finally:
        # a second Ctrl-C must not cut the clean-up short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            cluster.stop()
        except ClusterError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    if code:
        return code
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
