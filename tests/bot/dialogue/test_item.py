"""The item in question: a pasted link or number, a product named, 千牛's item in view,
or the item of earlier turns; a name several products share leaves candidates."""

from __future__ import annotations

from bot.catalogue import load_catalogue
from bot.dialogue.item import item_in_view


def item(shop: str, title_part: str) -> str:
    return next(p.item_no for p in load_catalogue(shop) if title_part in p.title)


def test_a_pasted_link_names_the_item_over_the_item_in_view() -> None:
    blanket, cup = item("wuhan", "毛毯"), item("wuhan", "保温杯")
    found = item_in_view("wuhan", f"https://item.taobao.com/item.htm?id={blanket} 这个有货吗",
                         cup, None)
    assert (found.item_id, found.source) == (blanket, "link")


def test_a_product_named_in_the_message() -> None:
    found = item_in_view("wuhan", "普洱茶的味道怎么样", None, None)
    assert (found.item_id, found.source) == (item("wuhan", "普洱"), "name")


def test_a_shared_name_leaves_candidates_unless_the_item_in_view_is_one_of_them() -> None:
    dresses = [p.item_no for p in load_catalogue("shanghai") if "裙子" in p.aliases]
    assert len(dresses) >= 2
    ask = item_in_view("shanghai", "这条裙子是不是真丝的", None, None)
    assert ask.item_id is None and sorted(ask.candidates) == sorted(dresses)
    shown = item_in_view("shanghai", "这条裙子是不是真丝的", dresses[1], None)
    assert (shown.item_id, shown.source) == (dresses[1], "metadata")


def test_the_item_in_view_then_the_item_carried_from_earlier_turns() -> None:
    cup, blanket = item("wuhan", "保温杯"), item("wuhan", "毛毯")
    assert item_in_view("wuhan", "有色差吗", cup, blanket).item_id == cup
    assert item_in_view("wuhan", "有色差吗", None, blanket).source == "carried"
    assert item_in_view("wuhan", "有色差吗", None, None).item_id is None


def test_another_shops_item_number_is_not_an_item_here() -> None:
    theirs = load_catalogue("shanghai")[0].item_no
    assert item_in_view("wuhan", "这个怎么样", theirs, None).item_id is None
