"""The graph-runner patch gives Rasa's own results, and installs on its Rasa release only."""

from __future__ import annotations

from typing import Any

import pytest
import rasa
from rasa.engine.runner.dask import DaskGraphRunner

from bot.assist import rasa_speedups


def test_refuses_another_rasa_release_naming_both() -> None:
    with pytest.raises(rasa_speedups.WrongRasaVersion, match=r"3\.6\.21.*3\.7\.0"):
        rasa_speedups.check_version("3.7.0")


def test_installs_on_the_pinned_release() -> None:
    assert rasa.__version__ == rasa_speedups.RASA_VERSION
    try:
        rasa_speedups.install()
        assert DaskGraphRunner.run is rasa_speedups._run
    finally:
        rasa_speedups.uninstall()
    assert DaskGraphRunner.run is rasa_speedups._ORIGINAL_RUN


@pytest.mark.model
def test_graph_runs_give_rasas_results(parser: Any) -> None:
    texts = ["在吗", "订单号2398471029384756123什么时候发货", "165斤穿什么码", "质量太差了我要投诉",
             "能便宜点吗", "你们老板今天心情好吗"]
    rasa_speedups.uninstall()
    expected = [parser.parse(t) for t in texts]
    rasa_speedups.install()
    try:
        assert [parser.parse(t) for t in texts] == expected
        assert [parser.parse(t) for t in texts] == expected  # kept sub-graphs, second run
    finally:
        rasa_speedups.uninstall()
