"""Masking of personal data: a table of messages both ways, pieces, the log filter."""

from __future__ import annotations

import io
import logging
import re

import pytest

from bot.privacy import MaskingFilter, install_log_masking, mask, mask_pieces, pii_entities, pii_spans
from bot.store.demo import PLACES

# Ordinary messages: nothing in them is personal data, so masking leaves them as written.
ORDINARY = [
    "我想知道什么时候发货",
    "普洱茶的味道怎么样",
    "我们村里收不到快递吗",
    "一路顺风，祝生意兴隆",
    "周末去逛街买了件外套",
    "几号发货啊",
    "M号有货吗",
    "3号发货可以吗",
    "12月3号能到吗",
    "我想知道3号能不能到",
    "秘密花园系列还有货吗",
    "这款花园系列的杯子有几种颜色",
    "发到新疆吗",
    "寄到武汉市洪山区要几天",
    "湖北省武汉市能用顺丰吗",
    "上海到北京一般几天",
    "快递放小区门口就行",
    "第一单元的练习册有吗",
    "送到门口马路边就可以",
    "在道路上被压坏了",
    "165cm 110斤穿什么码",
    "身高165体重110斤穿M号",
    "订单2398475610293847561",
    "订单号239847561029384756到哪了",
    "订单420106199203154817什么时候发",
    "价格是199.00元吗",
    "今天是2026-12-02",
    "买两三件有优惠吗",
    "款号202312345678还有吗",
    "顺丰单号SF1234567890123",
    "400-820-8820是你们客服吗",
    "寄到黄陂区前川街道",
    "频道里说的那个活动",
    "农村能送到吗",
    "我要三件L码的",
    "拍了2件XL",
    "SUV车座椅套有吗",
    "门牌号漏写了怎么办",
    "我们村里组织团购了",
]

# Personal data, in every form: (message, masked).
PERSONAL = [
    ("电话13812345678", "电话138****5678"),
    ("电话 138 1234 5678 谢谢", "电话 138****5678 谢谢"),
    ("手机138-1234-5678", "手机138****5678"),
    ("138.1234.5678", "138****5678"),
    ("+8613912345678", "+86139****5678"),
    ("+86 139 1234 5678", "+86139****5678"),
    ("手机号１３６１２３４５６７８", "手机号136****5678"),
    ("1 3 5 1 2 3 4 5 6 7 8", "135****5678"),
    ("我的电话幺三八一二三四五六七八", "我的电话138****5678"),
    ("打一三九零零零零一一一一", "打139****1111"),
    ("电话是一五八 两七三零 四四一九", "电话是158****4419"),
    ("联系方式15827304419，收件人王丽", "联系方式158****4419，收件人王丽"),
    ("数量2 13812345678", "数量2 138****5678"),
    ("座机027-87654321", "座机027-****4321"),
    ("(021)62345678", "(021)****5678"),
    ("（０２１）６２３４５６７８", "（０２１）****5678"),
    ("0755 8888 6666", "0755 ****6666"),
    ("固话01065432109", "固话010****2109"),
    ("座机87654321", "座机****4321"),
    ("身份证11010519491231002X", "身份证110***********002X"),
    ("身份证号420106199203154817", "身份证号420***********4817"),
    ("身份证 310115 19850615 6619", "身份证 310***********6619"),
    ("身份证310115-19850615-6619", "身份证310***********6619"),
    ("证件号３１０１１５１９８５０６１５６６１９", "证件号310***********6619"),
    ("清关用身份证44030520000112773X", "清关用身份证440***********773X"),
    ("地址是武汉市洪山区珞喻路123号5-1203", "地址是武汉市洪山区****"),
    ("寄到杭州市西湖区文三路88号", "寄到杭州市西湖区****"),
    ("湖北省武汉市江夏区藏龙岛阳光花园3栋2单元501", "湖北省武汉市江夏区****"),
    ("杭州市西湖区文三路88号5幢301室", "杭州市西湖区****"),
    ("上海市浦东新区张江路100号", "上海市浦东新区****"),
    ("我家住在文三路88号", "我家住在****"),
    ("寄到江汉路", "寄到****"),
    ("地址改成武汉市江汉区江汉路", "地址改成武汉市江汉区****"),
    ("北京朝阳区望京街", "北京朝阳区****"),
    ("青岛市市南区香港中路12号3-1201", "青岛市市南区****"),
    ("四川成都市武侯区人民南路四段12号", "四川成都市武侯区****"),
    ("宜昌市西陵区12号3-1201", "宜昌市西陵区****"),
    ("黄陂区王家村3组12号", "黄陂区****"),
    ("发到王家村", "发到****"),
    ("是5栋1203 麻烦改一下", "是**** 麻烦改一下"),
    ("放1203室门口", "放****门口"),
    ("南京市鼓楼区中山路１２号", "南京市鼓楼区****"),
    ("门牌号是12-301", "门牌号是****"),
    ("光谷软件园写字楼B座1203室", "****"),
    ("华中科技大学紫菘公寓5栋", "****"),
    # a building's name and units after the house number belong to the address
    ("寄到长沙市岳麓区麓山南路932号中南大学本部宿舍3舍208", "寄到长沙市岳麓区****"),
    ("成都市锦江区红星路三段99号银石广场15楼1503 谢谢", "成都市锦江区**** 谢谢"),
    ("合肥市蜀山区长江西路88号科大讯飞大厦C座", "合肥市蜀山区****"),
    ("幸福路66号万达广场北门", "****"),
    ("解放路东段18号", "****"),
    ("和平里东街11号院3号楼", "****"),
    ("河南省信阳市光山县十里镇杨墩村东头组8号", "河南省信阳市光山县****"),
    ("寄到武汉市江岸区新华路88号 电话13812345678", "寄到武汉市江岸区**** 电话138****5678"),
    ("珞喻路1037号13812345678", "****138****5678"),
    ("寄到武汉市洪山区珞喻路1037号明天3号能到吗", "寄到武汉市洪山区****明天3号能到吗"),
    # a short place name inside a longer name does not cut it
    ("西安市碑林区东大街金都新城小区5栋", "西安市碑林区****"),
    ("都江堰市幸福镇永丰村3组", "都江堰市****"),
    ("电话13812345678，地址湖北省武汉市洪山区珞喻路1037号华中科技大学",
     "电话138****5678，地址湖北省武汉市洪山区****华中科技大学"),
    ("身份证420106199203154817 电话 15827304419", "身份证420***********4817 电话 158****4419"),
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert mask(text) == text
    assert pii_spans(text) == [] and pii_entities(text) == []


@pytest.mark.parametrize("text, masked", PERSONAL)
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_the_table_is_large_enough() -> None:
    assert len(ORDINARY) + len(PERSONAL) >= 60


@pytest.mark.parametrize("text, kind, value", [
    ("电话 138 1234 5678 谢谢", "phone", "138 1234 5678"),
    ("我的电话幺三八一二三四五六七八", "phone", "幺三八一二三四五六七八"),
    ("座机(021)62345678", "phone", "(021)62345678"),
    ("身份证 310115 19850615 6619", "id_number", "310115 19850615 6619"),
    ("寄到武汉市洪山区珞喻路123号5-1203", "address", "武汉市洪山区珞喻路123号5-1203"),
])
def test_entities_point_into_the_original_text(text: str, kind: str, value: str) -> None:
    [entity] = pii_entities(text)
    assert (entity["kind"], text[entity["start"]:entity["end"]]) == (kind, value)
    start, end = entity["hidden"]
    assert entity["start"] <= start < end <= entity["end"]


def test_an_address_hides_the_street_and_keeps_the_divisions() -> None:
    text = "寄到武汉市洪山区珞喻路123号"
    [entity] = pii_entities(text)
    assert text[entity["start"]:entity["hidden"][0]] == "武汉市洪山区"
    assert pii_spans(text) == [(text.index("珞"), len(text))]


def test_no_demo_address_survives() -> None:
    for _, street in PLACES:
        address = f"{street}{12}号{3}-{1201}"
        assert not re.search(r"\d+号", mask(address)), mask(address)


def test_mask_accepts_anything() -> None:
    assert mask(None) == "None" and mask(13812345678) == "138****5678"


def test_log_lines_are_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    log = logging.getLogger("test.privacy")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.info("buyer %s at %s", "13812345678", "上海市浦东新区张江路100号")
        log.info("身份证 %s", "420106199203154817")
        log.info("想知道什么时候发货")
    finally:
        log.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines == ["buyer 138****5678 at 上海市浦东新区****", "身份证 420***********4817",
                     "想知道什么时候发货"]


def test_install_log_masking_adds_one_filter_per_handler() -> None:
    log = logging.getLogger("test.privacy.install")
    handler = logging.StreamHandler(io.StringIO())
    log.addHandler(handler)
    try:
        install_log_masking(log)
        install_log_masking(log)
        assert sum(isinstance(f, MaskingFilter) for f in handler.filters) == 1
    finally:
        log.removeHandler(handler)


def test_a_broken_log_format_passes_through() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("only one",), None)
    assert MaskingFilter().filter(record) is True


def test_pii_spans_and_masked_pieces() -> None:
    text = "地址武汉市洪山区珞喻路1037号，电话13812345678，订单2398471029384756123"
    spans = pii_spans(text)
    assert (text.index("138"), text.index("138") + 11) in spans
    tokens = [{"text": "13812345678", "start": text.index("138"), "end": text.index("138") + 11},
              {"text": "珞喻路", "start": text.index("珞"), "end": text.index("珞") + 3},
              {"text": "2398471029384756123", "start": text.index("2398"),
               "end": text.index("2398") + 19},
              {"text": "电话", "start": text.index("电话"), "end": text.index("电话") + 2},
              {"text": "武汉市", "start": text.index("武汉"), "end": text.index("武汉") + 3}]
    masked = [t["text"] for t in mask_pieces(text, tokens)]
    assert masked == ["*" * 11, "***", "2398471029384756123", "电话", "武汉市"]


def test_masked_entity_pieces_lose_their_normalised_digits() -> None:
    text = "电话幺三八一二三四五六七八"
    entities = [{"entity": "phone", "start": 2, "end": 13, "value": text[2:],
                 "additional_info": {"digits": "13812345678"}},
                {"entity": "size", "start": 0, "end": 0, "value": "M"}]
    shown = mask_pieces(text, entities, key="value")
    assert shown[0]["value"] == "*" * 11 and "additional_info" not in shown[0]
    assert shown[1]["value"] == "M"
