"""Product and size answers come from the item in question's catalogue entry; without
an item the buyer is asked which, by name."""

from __future__ import annotations

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
