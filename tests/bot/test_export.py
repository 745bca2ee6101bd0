"""Training export: the buyer's wording kept, personal data replaced by fakes of the same
form, entity annotations moved with the text."""

from __future__ import annotations

import re

import pytest

from bot.assist.export import annotate, example
from bot.nlu.entity_rules import _id_checksum_ok
from bot.privacy import mask, pii_entities, pii_spans
from bot.privacy.fake import fake_id, with_fakes


def span(text: str, part: str, entity: str) -> dict:
    return {"entity": entity, "start": text.index(part), "end": text.index(part) + len(part),
            "value": part}


def test_a_phone_becomes_a_fake_mobile_inside_its_annotation() -> None:
    text = "165斤穿什么码，电话13812345678"
    line = example(text, [span(text, "165斤", "weight"), span(text, "13812345678", "phone")])
    m = re.fullmatch(r"\[165斤\]\(weight\)穿什么码，电话\[(1[3-9]\d{9})\]\(phone\)", line)
    assert m and m.group(1) != "13812345678", line


@pytest.mark.parametrize("text, shape", [
    ("电话 138 1234 5678 谢谢", r"电话 1[3-9]\d \d{4} \d{4} 谢谢"),
    ("手机138-1234-5678", r"手机1[3-9]\d-\d{4}-\d{4}"),
    ("我的电话幺三八一二三四五六七八", r"我的电话[一][三-九][零一二三四五六七八九]{9}"),
    ("１３６１２３４５６７８", r"１[３-９][０-９]{9}"),
    ("+86 139 1234 5678", r"\+86 1[3-9]\d \d{4} \d{4}"),
    ("拨0086-13512345678", r"拨0086-1[3-9]\d{9}"),
    ("座机027-87654321", r"座机027-[2-9]\d{7}"),
])
def test_fake_phones_keep_the_form(text: str, shape: str) -> None:
    faked, _ = with_fakes(text)
    assert re.fullmatch(shape, faked), faked
    assert faked != text and mask(faked) != faked  # still a phone, so still masked


@pytest.mark.parametrize("text", ["身份证420106199203154817", "身份证11010519491231002X",
                                  "身份证 310115 19850615 6619"])
def test_fake_ids_keep_the_form_and_a_valid_check_digit(text: str) -> None:
    faked, _ = with_fakes(text)
    assert len(faked) == len(text) and faked != text
    number = re.sub(r"[^0-9X]", "", faked)
    assert _id_checksum_ok(number), faked
    assert [e["kind"] for e in pii_entities(faked)] == ["id_number"]


def test_fake_id_numbers_are_valid() -> None:
    import random

    rng = random.Random(1)
    assert all(_id_checksum_ok(fake_id(rng)) for _ in range(200))


def test_a_street_is_replaced_and_later_entities_move() -> None:
    text = "地址是武汉市洪山区珞喻路123号5-1203，电话13812345678，165斤"
    entities = [span(text, "武汉市洪山区", "location"), span(text, "13812345678", "phone"),
                span(text, "165斤", "weight")]
    faked, moved = with_fakes(text, entities)
    assert faked.startswith("地址是武汉市洪山区") and "珞喻路" not in faked
    assert "123号" not in faked and "13812345678" not in faked
    values = {e["entity"]: faked[e["start"]:e["end"]] for e in moved}
    assert values["location"] == "武汉市洪山区" and values["weight"] == "165斤"
    assert re.fullmatch(r"1[3-9]\d{9}", values["phone"])
    assert all(e["value"] == faked[e["start"]:e["end"]] for e in moved)
    assert [e["kind"] for e in pii_entities(faked)] == ["address", "phone"]


def test_an_entity_over_the_street_covers_the_whole_fake() -> None:
    text = "寄到杭州市西湖区文三路88号5幢301室吧"
    faked, [moved] = with_fakes(text, [span(text, "文三路88号", "location")])
    [address] = pii_entities(faked)
    assert faked[moved["start"]:moved["end"]] == faked[address["hidden"][0]:address["end"]]
    assert faked.endswith("吧")


def test_the_wording_is_kept_exactly() -> None:
    text = "亲 我的电话是幺三八一二三四五六七八哈 改下地址 寄到江汉路 谢谢！！"
    faked, _ = with_fakes(text)

    def rest(t: str) -> str:
        return "".join(ch for i, ch in enumerate(t) if not any(s <= i < e for s, e in pii_spans(t)))

    assert rest(faked) == rest(text) == "亲 我的电话是哈 改下地址 寄到 谢谢！！"
    assert faked.startswith("亲 我的电话是") and faked.endswith("谢谢！！")


def test_fakes_are_repeatable_and_messages_without_personal_data_unchanged() -> None:
    text = "电话13812345678"
    assert with_fakes(text) == with_fakes(text)
    text = "我想知道什么时候发货"
    entities = [span(text, "发货", "x")]
    assert with_fakes(text, entities) == (text, entities)
    assert example("165斤穿什么码", [span("165斤穿什么码", "165斤", "weight")]) == "[165斤](weight)穿什么码"


def test_annotate_keeps_the_first_of_overlapping_spans() -> None:
    text = "165斤穿什么码"
    assert annotate(text, [{"entity": "weight", "start": 0, "end": 4},
                           {"entity": "height", "start": 0, "end": 3}]) == "[165斤](weight)穿什么码"


def test_a_label_inside_a_replaced_street_is_dropped_not_spread_over_the_fake() -> None:
    from bot.assist.export import example

    text = "寄到上海市浦东新区世纪大道100号吧"
    start = text.index("100号")
    line = example(text, [{"entity": "size", "start": start, "end": start + 4, "value": "100号"}])
    assert "](size)" not in line and "世纪大道" not in line
    assert line.startswith("寄到上海市浦东新区") and line.endswith("吧")
