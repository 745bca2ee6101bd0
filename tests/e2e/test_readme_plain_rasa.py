"""The README's plain-Rasa commands, run as written: no environment but PATH (with
.venv's bin first, as when it is activated), the committed endpoints.yml and
credentials.yml, the default ports, and the README's own curl line."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.processes import Process, local_redis
from tests.e2e.test_rest_conversation import stop_all, wait_for

pytestmark = [pytest.mark.model, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def readme_block() -> List[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- plain-rasa:start -->\n```bash\n(.*?)```", readme, re.S)
    assert block, "README.md lost its plain-rasa block"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines()]


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def as_written(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[List[str]]:
    for port in (5005, 5055):
        if not port_free(port):
            pytest.fail(f"port {port} is taken: the README's commands use it")
    tmp = tmp_path_factory.mktemp("readme")
    url, redis, _ = local_redis(log=tmp / "redis.log")  # what `make redis` does
    assert url, "no Redis for the README's endpoints.yml"
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "HOME": os.environ.get("HOME", str(tmp)), "TF_CPP_MIN_LOG_LEVEL": "3"}
    lines = readme_block()
    servers = [line for line in lines if line.startswith("rasa run")]
    assert len(servers) == 2
    procs, logs = [], []
    try:
        for i, line in enumerate(servers):
            logs.append(open(tmp / f"server{i}.log", "w"))
            procs.append(subprocess.Popen(shlex.split(line), cwd=ROOT, env=env,
                                          stdout=logs[-1], stderr=subprocess.STDOUT))
        wait_for("http://127.0.0.1:5055/health", procs[0])
        wait_for("http://127.0.0.1:5005/", procs[1])
        yield lines
    finally:
        stop_all(procs, logs)
        if isinstance(redis, Process):
            redis.stop()


def test_the_readme_curl_gets_the_fee_suggestions(as_written: List[str]) -> None:
    [curl] = [line for line in as_written if line.startswith("curl ")]
    out = subprocess.run(shlex.split(curl), capture_output=True, text=True, timeout=60,
                         check=True).stdout
    [custom] = [m["custom"] for m in json.loads(out) if "custom" in m]
    assert custom["situations"] == ["fee_quote"]
    assert custom["suggestions"][0]["slots"]["location"] == "新疆"
    assert "15元" in custom["suggestions"][0]["text"]

