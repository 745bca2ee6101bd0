"""The demo catalogues (data/shops/*/catalogue.yml) and finding the product a buyer pastes
or names: links and numbers, an order number that is no item, aliases longest-first and
a generic alias naming several products."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml

from bot import catalogue
from bot.catalogue import (
    SIZED_CATEGORIES,
    CatalogueError,
    item_from_text,
    load_catalogue,
    products_named,
)
from bot.compliance import check, load_rules
from bot.sizing import measures_body, recommend
from bot.store.demo import SHOPS, TOP_CHART

SHOP_IDS = sorted(SHOPS)


def titles(items: List[catalogue.CatalogueItem]) -> List[str]:
    return [item.title for item in items]


def item_no(shop: str, title: str) -> str:
    return next(i.item_no for i in load_catalogue(shop) if i.title == title)


# -- the catalogue files ---------------------------------------------------------------

@pytest.mark.parametrize("shop", SHOP_IDS)
def test_each_shop_has_at_least_twelve_products(shop: str) -> None:
    assert len(load_catalogue(shop)) >= 12


def test_item_numbers_are_twelve_digits_and_unique_across_shops() -> None:
    numbers = [i.item_no for shop in SHOP_IDS for i in load_catalogue(shop)]
    assert all(len(n) == 12 and n.isdigit() for n in numbers)
    assert len(numbers) == len(set(numbers))


def test_the_products_that_existed_before_are_kept() -> None:
    before = {"wuhan": ["纯棉家居服套装", "新疆和田骏枣 一级 500g", "薄皮纸皮核桃 1kg",
                        "云南普洱熟茶饼 357g", "不锈钢茶刀茶针套装", "加厚珊瑚绒毛毯"],
              "shanghai": ["宽松针织开衫", "高腰直筒牛仔裤", "婴儿手口湿巾 80抽×5包",
                           "纯棉婴儿口水巾 6条装", "宝宝洗衣液 1L"]}
    for shop, wanted in before.items():
        assert set(wanted) <= set(titles(load_catalogue(shop)))


@pytest.mark.parametrize("shop", SHOP_IDS)
def test_every_clothing_and_shoe_product_has_a_size_chart(shop: str) -> None:
    sized = [i for i in load_catalogue(shop) if i.category in SIZED_CATEGORIES]
    assert len(sized) >= 3
    for item in sized:
        assert item.size_chart, item.title
        sizes = [row["size"] for row in item.size_chart]
        assert all(sku.size in sizes for sku in item.skus), item.title
        if item.category == "鞋":
            assert sizes == [str(n) for n in range(35, 45)]
            assert all(len(row["foot_cm"]) == 2 for row in item.size_chart)
            assert not measures_body(item.size_chart)
        else:
            assert measures_body(item.size_chart), item.title


@pytest.mark.parametrize("shop", SHOP_IDS)
def test_every_sku_colour_is_one_of_the_colours_and_some_are_sold_out(shop: str) -> None:
    items = load_catalogue(shop)
    for item in items:
        assert item.skus, item.title
        for sku in item.skus:
            assert sku.colour in item.colours if item.colours else sku.colour is None
            assert sku.stock >= 0
    assert any(sku.stock == 0 for item in items for sku in item.skus if sku.size)


@pytest.mark.parametrize("shop", SHOP_IDS)
def test_every_product_has_its_facts(shop: str) -> None:
    for item in load_catalogue(shop):
        for text in (item.title, item.category, item.material, item.origin,
                     item.authenticity, item.colour_note, item.usage):
            assert text.strip(), item.title
        assert item.aliases, item.title
        assert len(item.price.split(".")[1]) == 2 and float(item.price) > 0
        assert item.weight_kg > 0


@pytest.mark.parametrize("shop", SHOP_IDS)
def test_the_facts_can_be_quoted_to_a_buyer(shop: str) -> None:
    """No absolute claim (最/第一/100% except fibre contents) and no outside link."""
    rules = load_rules(shop)
    for item in load_catalogue(shop):
        for text in (item.title, item.material, item.origin, item.authenticity,
                     item.colour_note, item.usage, item.notes or ""):
            verdict = check(text, rules)
            assert verdict.ok, (item.title, text, verdict.payload())


def test_the_tops_chart_is_the_one_the_sizing_tests_use() -> None:
    data = yaml.safe_load((catalogue.SHOPS_DIR / "wuhan" / "catalogue.yml").read_text("utf-8"))
    assert data["size_charts"]["top"] == TOP_CHART
    [home_wear] = [i for i in load_catalogue("wuhan") if i.title == "纯棉家居服套装"]
    assert list(home_wear.size_chart or ()) == TOP_CHART


def test_a_shoe_chart_gives_no_advice_from_height_and_weight() -> None:
    [shoes] = [i for i in load_catalogue("shanghai") if i.title == "经典帆布鞋"]
    assert recommend(list(shoes.size_chart or ()), 165, 110) is None
    [kids] = [i for i in load_catalogue("shanghai") if i.title == "儿童加绒卫衣"]
    advice = recommend(list(kids.size_chart or ()), 118, None)
    assert advice is not None and advice.size == "120"


def test_load_catalogue_is_read_once_and_returns_a_fresh_list() -> None:
    first = load_catalogue("wuhan")
    first.clear()
    assert load_catalogue("wuhan")
    assert load_catalogue("wuhan")[0] is load_catalogue("wuhan")[0]


def test_a_shop_without_a_catalogue_has_no_products() -> None:
    assert load_catalogue("nowhere") == []
    assert item_from_text("nowhere", "520163408217") is None
    assert item_from_text("nowhere", "https://item.taobao.com/item.htm?id=520163408217") \
        == "520163408217"
    assert products_named("nowhere", "家居服") == []


def test_a_broken_catalogue_names_the_file_and_the_product(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    good = yaml.safe_load((catalogue.SHOPS_DIR / "wuhan" / "catalogue.yml").read_text("utf-8"))
    product = good["products"][0]
    (tmp_path / "broken").mkdir()
    monkeypatch.setattr(catalogue, "SHOPS_DIR", tmp_path)
    cases = [({"item_no": "12345"}, "products[0].item_no: expected 12 digits"),
             ({"price": "129"}, "products[0].price"),
             ({"size_chart": None}, "products[0].size_chart"),
             ({"skus": [{"colour": "紫色", "size": "M", "stock": 1}]}, "products[0].skus[0].colour"),
             ({"skus": [{"colour": "浅灰", "size": "M", "stock": -1}]}, "products[0].skus[0].stock")]
    for change, message in cases:
        data = {"shop_id": "broken", "products": [{**product, **change}]}
        (tmp_path / "broken" / "catalogue.yml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                         encoding="utf-8")
        catalogue._load.cache_clear()
        with pytest.raises(CatalogueError, match=r"catalogue\.yml: " + message.replace("[", r"\[")
                           .replace("]", r"\]")):
            load_catalogue("broken")
    catalogue._load.cache_clear()
    (tmp_path / "broken" / "catalogue.yml").write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="expected a mapping"):
        load_catalogue("broken")
    monkeypatch.undo()
    catalogue._load.cache_clear()
    catalogue._names.cache_clear()


# -- item links and numbers ------------------------------------------------------------

DRESS = item_no("shanghai", "真丝连衣裙")
TEA = item_no("wuhan", "云南普洱熟茶饼 357g")


@pytest.mark.parametrize("text, expected", [
    (f"https://item.taobao.com/item.htm?id={DRESS}", DRESS),
    (f"亲 这个有L吗 https://detail.tmall.com/item.htm?spm=a220m.1000858.1000725.1.3c1a&id={DRESS}"
     "&skuId=4411223344556&areaId=310100", DRESS),
    (f"【淘宝】https://m.tb.cn/h.5Qx7kLm?tk=Ab3dE id={DRESS} 「真丝连衣裙」点击链接直接打开", DRESS),
    (f"https://a.m.taobao.com/i{DRESS}.htm?sku_properties=1627207:28341", DRESS),
    (f"宝贝ID：{DRESS}", DRESS),
    (f"{DRESS}这个还有货吗", DRESS),
    (f"这款 {DRESS} 有酒红色吗", DRESS),
    ("ｉｄ＝" + "".join(chr(ord(c) + 0xFEE0) for c in DRESS), DRESS),  # full-width
    ("https://item.taobao.com/item.htm?id=520012345678", "520012345678"),  # a link: any item
])
def test_an_item_link_or_number_gives_the_item_number(text: str, expected: str) -> None:
    assert item_from_text("shanghai", text) == expected


@pytest.mark.parametrize("text", [
    "订单号2398475610293847561什么时候发货",   # an order number: 19 digits
    "111122223333444455到哪了",                  # 18 digits
    "我的订单是239847561029",                    # 12 digits, but not one of the shop's items
    f"{TEA}这个还有吗",                           # the other shop's item number, bare
    "顺丰单号SF1234567890123",
    "电话13812345678",
    "这款有货吗",
    "",
])
def test_other_numbers_are_not_item_numbers(text: str) -> None:
    assert item_from_text("shanghai", text) is None


def test_a_bare_item_number_is_one_of_this_shops() -> None:
    assert item_from_text("wuhan", f"{TEA}这个还有吗") == TEA
    assert item_from_text("shanghai", f"{TEA}这个还有吗") is None


# -- products named by title or alias --------------------------------------------------

@pytest.mark.parametrize("shop, text, expected", [
    ("shanghai", "真丝连衣裙有L码吗", ["真丝连衣裙"]),
    ("shanghai", "连衣裙有L码吗", ["真丝连衣裙"]),
    ("shanghai", "那条真丝连衣裙，裙子是什么面料", ["真丝连衣裙"]),   # 裙子 also names the skirt
    ("shanghai", "裙子有M码吗", ["真丝连衣裙", "碎花雪纺半身裙"]),      # generic: all of them
    ("shanghai", "裤子偏大吗", ["高腰直筒牛仔裤", "弹力休闲裤"]),
    ("shanghai", "开衫起球吗", ["宽松针织开衫", "羊毛开衫"]),
    ("shanghai", "羊毛开衫起球吗", ["羊毛开衫"]),
    ("shanghai", "t恤和牛仔裤一起买包邮吗", ["纯棉圆领T恤", "高腰直筒牛仔裤"]),
    ("shanghai", "鞋子偏码吗", ["经典帆布鞋", "轻便透气运动鞋"]),
    ("shanghai", "儿童卫衣130的还有吗", ["儿童加绒卫衣"]),
    ("shanghai", "湿巾什么时候发", ["婴儿手口湿巾 80抽×5包"]),
    ("wuhan", "普洱怎么泡", ["云南普洱熟茶饼 357g"]),
    ("wuhan", "茶叶保质期多久", ["云南普洱熟茶饼 357g", "恩施玉露 绿茶 100g"]),
    ("wuhan", "茶刀是不锈钢的吗", ["不锈钢茶刀茶针套装"]),          # 茶 in 茶刀 is no tea
    ("wuhan", "买了保温杯，想再买点茶", ["304不锈钢保温杯 500ml"]),   # specific beats generic
    ("wuhan", "新疆和田骏枣 一级 500g 还有吗", ["新疆和田骏枣 一级 500g"]),
    ("wuhan", "热干面礼盒和纸皮核桃能一起发吗", ["武汉热干面礼盒 6人份", "薄皮纸皮核桃 1kg"]),
    ("wuhan", "在吗", []),
    ("wuhan", "真丝连衣裙有吗", []),   # the other shop's product
])
def test_products_named_prefers_the_longest_and_most_specific_name(
        shop: str, text: str, expected: List[str]) -> None:
    assert titles(products_named(shop, text)) == expected


def test_every_alias_and_short_title_is_a_jieba_term() -> None:
    path = catalogue.SHOPS_DIR.parent / "jieba" / "shop_terms.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    terms = {line.split()[0] for line in lines if line.strip()}
    assert len(terms) == len([line for line in lines if line.strip()])  # no duplicates
    for shop in SHOP_IDS:
        for item in load_catalogue(shop):
            for name in (item.short_title, *item.aliases):
                if len(name) >= 2:
                    assert name in terms, name
