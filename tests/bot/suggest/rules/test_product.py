"""Product and size answers come from the item in question's catalogue entry; without
an item the buyer is asked which, by name."""

from __future__ import annotations

from typing import Optional

import pytest
from sqlalchemy.orm import Session

from bot.catalogue import load_catalogue
from tests.bot.suggest.rules.conftest import ask, entity, texts


def item(shop: str, part: str):  # type: ignore[no-untyped-def]
    return next(p for p in load_catalogue(shop) if part in p.title)


def test_price_below_a_figure_compares_with_the_items_price(demo_session: Session) -> None:
    blanket = item("wuhan", "毛毯")
    result = ask(demo_session, "product_query", "price", "这个毛毯价格<100吗",
                 item_id=blanket.item_no)
    first = result.suggestions[0]
    assert f"{float(blanket.price):g}元" in first.text and "100元" in first.text
    assert f"product.{blanket.item_no}.price" in first.facts
    assert "哪一款" not in first.text


def test_material_of_the_item_in_view(demo_session: Session) -> None:
    dress = item("shanghai", "真丝连衣裙")
    result = ask(demo_session, "product_query", "material", "这条裙子是不是真丝的",
                 shop="shanghai", item_id=dress.item_no)
    assert dress.material in result.suggestions[0].text
    assert result.suggestions[0].facts == [f"product.{dress.item_no}.material"]


def test_several_products_of_a_name_are_asked_about_by_name(demo_session: Session) -> None:
    skirts = [p for p in load_catalogue("shanghai") if "裙子" in p.aliases]
    result = ask(demo_session, "product_query", "material", "这条裙子是不是真丝的",
                 shop="shanghai", item_candidates=[p.item_no for p in skirts])
    assert result.situations == ["product_ask_which_named"]
    assert all(p.title in result.suggestions[0].text for p in skirts[:4])


def test_colour_difference_and_usage_and_authenticity_quote_the_catalogue(
        demo_session: Session) -> None:
    tea = item("wuhan", "普洱")
    for subtopic, field in (("colour_diff", "colour_note"), ("usage", "usage"),
                            ("authenticity", "authenticity")):
        result = ask(demo_session, "product_query", subtopic, "", item_id=tea.item_no)
        assert getattr(tea, field) in result.suggestions[0].text, subtopic


def test_stock_of_a_sold_out_size_offers_what_is_in_stock(demo_session: Session) -> None:
    dress = item("shanghai", "真丝连衣裙")
    gone = next(s for s in dress.skus if s.stock == 0)
    result = ask(demo_session, "product_query", "stock", f"{gone.colour}{gone.size}码还有吗",
                 shop="shanghai", item_id=dress.item_no)
    first = result.suggestions[0].text
    assert "没货" in first or "缺货" in first
    assert f"{gone.colour}{gone.size}码" in first
    in_stock = [s for s in dress.skus if s.colour == gone.colour and s.stock > 0]
    assert any(f"{s.colour}{s.size}码" in first for s in in_stock)


def test_stock_of_a_size_in_stock(demo_session: Session) -> None:
    dress = item("shanghai", "真丝连衣裙")
    there = next(s for s in dress.skus if s.stock > 0)
    result = ask(demo_session, "product_query", "stock", f"{there.colour}{there.size}码有货吗",
                 shop="shanghai", item_id=dress.item_no)
    assert "有货" in result.suggestions[0].text or "现货" in result.suggestions[0].text


def test_a_hue_names_the_items_colour_that_has_it(demo_session: Session) -> None:
    cup = item("wuhan", "保温杯")  # 星空黑 in stock, 樱花粉 sold out
    black = ask(demo_session, "product_query", "stock", "黑色还有吗", item_id=cup.item_no)
    assert "星空黑" in black.suggestions[0].text and "有" in black.suggestions[0].text
    pink = ask(demo_session, "product_query", "stock", "粉色的呢", item_id=cup.item_no)
    assert "樱花粉" in pink.suggestions[0].text
    assert "没货" in pink.suggestions[0].text or "缺货" in pink.suggestions[0].text


def test_the_price_of_several_is_the_total(demo_session: Session) -> None:
    cup = item("wuhan", "保温杯")
    result = ask(demo_session, "product_query", "price", "买三个多少钱", item_id=cup.item_no)
    total = f"{float(cup.price) * 3:g}元"
    assert total in result.suggestions[0].text and "message.quantity" in result.suggestions[0].facts


def test_a_weight_alone_recommends_and_asks_only_for_the_height(demo_session: Session) -> None:
    tee = item("shanghai", "T恤")
    result = ask(demo_session, "size_query", "recommend", "165斤穿什么码", shop="shanghai",
                 entities=[entity("weight", "165斤", jin=165)], item_id=tee.item_no)
    first = result.suggestions[0].text
    assert "身高" in first and "体重" not in first.replace("体重165斤", "")
    expected = next(r["size"] for r in tee.size_chart if r["weight_jin"][0] <= 165 <= r["weight_jin"][1])
    assert f"{expected}码" in first


def test_height_and_weight_give_the_charts_size(demo_session: Session) -> None:
    tee = item("shanghai", "T恤")
    result = ask(demo_session, "size_query", "recommend", "160 100斤", shop="shanghai",
                 entities=[entity("height", "160cm", cm=160), entity("weight", "100斤", jin=100)],
                 item_id=tee.item_no)
    assert result.situations == ["size_recommend"]
    assert f"product.{tee.item_no}.size_chart" in result.suggestions[0].facts


def test_shoes_are_sized_by_foot_length(demo_session: Session) -> None:
    shoe = next(p for p in load_catalogue("shanghai") if p.category == "鞋")
    result = ask(demo_session, "size_query", "recommend", "我170cm穿多大", shop="shanghai",
                 entities=[entity("height", "170cm", cm=170)], item_id=shoe.item_no)
    assert "脚长" in result.suggestions[0].text


def test_the_size_chart_lists_every_row(demo_session: Session) -> None:
    tee = item("shanghai", "T恤")
    result = ask(demo_session, "size_query", "chart", "有尺码表吗", shop="shanghai",
                 item_id=tee.item_no)
    assert all(f"{r['size']}码" in result.suggestions[0].text for r in tee.size_chart)


def test_a_general_question_about_a_named_product_describes_it(demo_session: Session) -> None:
    tea = item("wuhan", "普洱")
    result = ask(demo_session, "product_query", None, "普洱茶的味道怎么样", item_id=tea.item_no)
    assert tea.title in result.suggestions[0].text
    assert "哪一款" not in " ".join(texts(result))


@pytest.mark.parametrize("text, subtopic, field", [
    ("保温能保多久", None, "notes"),           # 保温约6-12小时 is in the notes
    ("晋江产的？", None, "origin"),
    ("有荧光剂吗", "stock", "material"),      # read as stock; the words ask the material
    ("白色的会不会洗黄", "usage", "usage")])
def test_a_product_question_is_answered_from_the_field_it_asks_about(
        demo_session: Session, text: str, subtopic: Optional[str], field: str) -> None:
    part = {"保温能保多久": "保温杯", "晋江产的？": "帆布鞋", "有荧光剂吗": "洗衣液",
            "白色的会不会洗黄": "帆布鞋"}[text]
    shop = "wuhan" if part == "保温杯" else "shanghai"
    p = item(shop, part)
    result = ask(demo_session, "product_query", subtopic, text, shop=shop, item_id=p.item_no)
    top = result.suggestions[0]
    assert getattr(p, field) in top.text and top.facts == [f"product.{p.item_no}.{field}"]


@pytest.mark.parametrize("text, entities, size", [
    ("脚长24.3穿多大", [entity("foot_length", "24.3", cm=24.3)], "39"),
    ("脚长24.3 脚背有点高", [entity("foot_length", "24.3", cm=24.3)], "40"),
    ("平时穿38", [entity("size", "38", size="38", usual=True)], "38")])
def test_shoes_are_sized_by_foot_length_or_the_usual_size(
        demo_session: Session, text: str, entities: list, size: str) -> None:
    shoes = item("shanghai", "帆布鞋")
    result = ask(demo_session, "size_query", "recommend", text, shop="shanghai",
                 entities=entities, item_id=shoes.item_no)
    top = result.suggestions[0]
    assert f"{size}码" in top.text and "脚长（厘米）告诉我，我帮您对照" not in top.text
    assert f"product.{shoes.item_no}.size_chart" in top.facts


def test_a_size_question_naming_a_sold_out_sku_answers_its_stock(demo_session: Session) -> None:
    shoes = item("shanghai", "帆布鞋")
    gone = next(s for s in shoes.skus if s.stock == 0)
    result = ask(demo_session, "size_query", "recommend", f"{gone.colour}的{gone.size}码有吗",
                 shop="shanghai", item_id=shoes.item_no)
    first = result.suggestions[0].text
    assert f"{gone.colour}{gone.size}码" in first and ("没货" in first or "缺货" in first)
    # a few in-stock alternatives, the same size first
    offered = result.suggestions[0].slots["alternatives"].split("、")
    assert 0 < len(offered) <= 5 and gone.size in offered[0]


def test_a_colour_the_item_is_not_made_in_is_said_with_the_colours_it_has(
        demo_session: Session) -> None:
    suit = item("wuhan", "家居服")
    result = ask(demo_session, "product_query", "stock", "黑色的有吗", item_id=suit.item_no)
    top = result.suggestions[0]
    assert "没有黑色" in top.text and all(c in top.text for c in suit.colours)


def test_a_size_the_colour_does_not_come_in_is_not_in_stock(demo_session: Session) -> None:
    suit = item("wuhan", "家居服")
    sizes = {s.size for s in suit.skus if s.colour == "豆沙粉"}
    assert "XXL" not in sizes  # the catalogue as the test reads it
    result = ask(demo_session, "product_query", "stock", "豆沙粉有XXL吗", item_id=suit.item_no)
    first = result.suggestions[0].text
    assert "豆沙粉XXL码" in first and ("没货" in first or "缺货" in first)


def test_the_size_of_an_unsized_item_comes_from_its_notes(demo_session: Session) -> None:
    blanket = item("wuhan", "毛毯")
    result = ask(demo_session, "size_query", "chart", "多大尺寸的", item_id=blanket.item_no)
    assert blanket.notes in result.suggestions[0].text


def test_the_chart_for_a_named_size_is_that_sizes_row(demo_session: Session) -> None:
    skirt = item("shanghai", "半身裙")
    result = ask(demo_session, "size_query", "chart", "S码腰围多少", shop="shanghai",
                 item_id=skirt.item_no)
    row = next(r for r in skirt.size_chart if r["size"] == "S")
    top = result.suggestions[0].text
    assert f"腰围{row['waist_cm'][0]}-{row['waist_cm'][1]}cm" in top and "M码" not in top


def test_a_shoe_chart_asks_for_the_foot_length_never_height_and_weight(
        demo_session: Session) -> None:
    slippers = item("wuhan", "拖鞋")
    result = ask(demo_session, "size_query", "chart", "有尺码表吗", item_id=slippers.item_no)
    assert result.situations == ["size_chart_rows_foot"]
    assert all("身高" not in s.text and "体重" not in s.text for s in result.suggestions)


def test_the_items_own_name_is_not_a_question_word(demo_session: Session) -> None:
    soap = item("shanghai", "洗衣液")  # sold out; 洗 is a washing cue, 洗衣液 is the item
    result = ask(demo_session, "product_query", "stock", "洗衣液有货吗", shop="shanghai",
                 item_id=soap.item_no)
    first = result.suggestions[0].text
    assert "没货" in first or "缺货" in first


def test_3xl_is_the_xxxl_of_the_chart(demo_session: Session) -> None:
    suit = item("wuhan", "家居服")
    result = ask(demo_session, "size_query", "recommend", "藏青有没有3XL 想穿宽松点",
                 item_id=suit.item_no)
    assert "藏青XXXL码" in result.suggestions[0].text
