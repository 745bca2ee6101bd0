from __future__ import annotations

import io
import logging
import re

import pytest

from bot.privacy import MaskingFilter, mask
from bot.store.demo import PLACES


@pytest.mark.parametrize(
    "text, masked",
    [
        ("电话13812345678", "电话138****5678"),
        ("电话 138 1234 5678 谢谢", "电话 138****5678 谢谢"),
        ("身份证11010519491231002X", "身份证110***********002X"),
        ("身份证号420106199203154817", "身份证号420***********4817"),
        ("订单2398475610293847561", "订单2398475610293847561"),  # order numbers stay
        ("地址是武汉市洪山区珞喻路123号5-1203", "地址是武汉市洪山区****"),
        ("寄到杭州市西湖区文三路88号", "寄到杭州市西湖区****"),
        ("湖北省武汉市江夏区藏龙岛阳光花园3栋2单元501", "湖北省武汉市江夏区****"),
        ("发到新疆吗", "发到新疆吗"),
        ("165cm 110斤", "165cm 110斤"),
    ],
)
def test_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_no_demo_address_survives() -> None:
    for _, street in PLACES:
        address = f"{street}{12}号{3}-{1201}"
        assert not re.search(r"\d+号", mask(address)), mask(address)


def test_log_lines_are_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    log = logging.getLogger("test.privacy")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.info("buyer %s at %s", "13812345678", "上海市浦东新区张江路100号")
    finally:
        log.removeHandler(handler)
    line = stream.getvalue()
    assert "13812345678" not in line and "100号" not in line
    assert "138****5678" in line


def test_pii_spans_and_masked_pieces() -> None:
    from bot.privacy import mask_pieces, pii_spans

    text = "地址武汉市洪山区珞喻路1037号，电话13812345678，订单2398471029384756123"
    spans = pii_spans(text)
    assert (text.index("138"), text.index("138") + 11) in spans
    tokens = [{"text": "13812345678", "start": text.index("138"), "end": text.index("138") + 11},
              {"text": "珞喻路", "start": text.index("珞"), "end": text.index("珞") + 3},
              {"text": "2398471029384756123", "start": text.index("2398"),
               "end": text.index("2398") + 19},
              {"text": "电话", "start": text.index("电话"), "end": text.index("电话") + 2}]
    masked = [t["text"] for t in mask_pieces(text, tokens)]
    assert masked == ["*" * 11, "***", "2398471029384756123", "电话"]
