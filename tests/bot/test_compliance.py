from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Optional

import pytest
import yaml

from bot.compliance import ComplianceError, Verdict, check, load_rules

ALLOWED = [
    "亲，您好！请问有什么可以帮您的呢？",
    "亲，我们会第一时间为您安排发货哦~",
    "亲，最近快递量比较大，可能会晚一两天到，请您耐心等待哦",
    "亲您的订单号是231123138045678901，已经帮您备注加急了哦",
    "亲，有问题可以随时在旺旺上联系我们哦",
    "您好，这边是在线客服，千牛工作台已经收到您的留言，我们会尽快回复您",
    "亲，这个问题我们一定帮您反馈给仓库哦",
    "亲，本店支持七天无理由退货，吊牌和包装完好就可以的哦",
    "亲，最快明天发货，最晚后天发出，请您放心",
    "亲，这款只剩最后一件了，喜欢的话可以尽快下单哦",
    "亲，运费险最多赔付12元，具体以保险公司为准哦",
    "亲，第一次购买可以领取新人优惠券哦",
    "亲，这款是100%纯棉面料，透气性很好哦",
    "亲，质量问题请您24小时内拍照给我们，来回邮费由我们承担",
    "亲，您可以点击这个链接查看：https://item.taobao.com/item.htm?id=623456789012",
    "亲，签收时最好当面验货，有破损可以直接拒收哦",
    "亲，已经发货了，圆通单号YT7412345678901，您在订单详情里可以查看物流",
    "亲，满199元包邮，还差20元就可以包邮啦",
    # numbers beside names and numerals that are not phones
    "亲，您拍的是三件，一共387元哦",
    "亲，尺码表在详情页第三张图，一米六五一百一十斤建议M码",
    "亲，订单231123138045678901已经帮您备注，张三收件哦",
    "亲，客服在线时间是每天9点到23点30分哦",
    "亲，我们是武汉发货，到上海一般2-3天",
    "亲，我们会尽快帮您处理退款，请您留意支付宝的通知哦",
    "亲，这款有S、M、L三个尺码，身高165、体重100斤建议选M码",
    "亲，滚筒洗衣机可以直接机洗，不会变形的哦",
    "亲，感谢您的好评，期待您的再次光临！",
    "亲，抱歉给您带来不好的体验，我们会认真改进的",
    "亲，拆单后每个包裹都有唯一的订单号，您可以分别查看",
    "亲，退款已经提交了，一般1-3个工作日到账哦",
    "亲，旺旺上的聊天记录我们都会保存，您放心哦",
    "亲，活动价是99.9元，今晚12点结束哦",
    "亲，收藏加购可以优先发货哦",
    "亲，我们肯定会帮您跟进物流的，有消息第一时间通知您",
    "亲，这款衣服建议手洗，不要暴晒哦",
    "亲，您的包裹已经到达武汉转运中心，预计明后天送达",
    "亲，尺码偏大一码，建议您拍小一码哦",
    "亲，不好意思让您久等了，库存刚补上，下午4点前付款当天发出",
    "亲，加入店铺会员可以享受9.5折哦",
    "亲，我们一定会帮您催一下仓库，有进展马上告诉您发货时间",
    "亲，欢迎参加我们店铺的双十一活动哦",
]

BLOCKED = [
    ("亲，加我微信吧，发您更多款式", "contact_im"),
    ("亲，V信上发您实拍图哦", "contact_im"),
    ("亲，可以加威 信，有老客优惠哦", "contact_im"),
    ("亲，有问题扣扣找我哦", "contact_im"),
    ("亲，我的企鹅号在主页，加一下哦", "contact_im"),
    ("亲，加我 wx 发您优惠券", "contact_im"),
    ("亲，ＶＸ同号哦", "contact_im"),
    ("亲，Q Q群里有更多款式", "contact_im"),
    ("亲，徽信上联系哈", "contact_im"),
    ("亲，着急的话打这个电话138 1234 5678", "contact_phone"),
    ("亲，联系电话：138-1234-5678", "contact_phone"),
    ("亲，直接打１３８１２３４５６７８就好", "contact_phone"),
    ("亲，电话是 1 3 8 1 2 3 4 5 6 7 8", "contact_phone"),
    ("亲，号码是幺三八 一二三四 五六七八", "contact_phone"),
    ("亲，售后热线400-123-4567", "contact_phone"),
    # a digit or a Chinese numeral right before the number (found in a walk-through)
    ("王五 13912345678", "contact_phone"),
    ("收件人张三 13912345678", "contact_phone"),
    ("亲，请打 0 13912345678", "contact_phone"),
    ("亲，打座机027-87654321找我", "contact_phone"),
    ("亲，请联系 wx abc", "contact_im"),
    ("亲，这个链接更便宜哦 http://shop.example.com/a", "contact_link"),
    ("亲，点开t.cn/A6abcd领券", "contact_link"),
    ("亲，去www.xxx-shop.com下单有折扣", "contact_link"),
    ("亲，我们家的面料是全网最好的哦", "ad_absolute"),
    ("亲，这已经是最低价了，不能再少了哦", "ad_absolute"),
    ("亲，这款是销量第一的爆款哦", "ad_absolute"),
    ("亲，这是顶级真丝面料", "ad_absolute"),
    ("亲，百分百正品，假一赔十", "ad_absolute"),
    ("亲，绝对正品，放心购买", "ad_absolute"),
    ("亲，五星好评返现5元哦", "review_manipulation"),
    ("亲，晒图追评送您一张5元无门槛券", "review_manipulation"),
    ("亲，给个好评就送您一个小礼品哦", "review_manipulation"),
    ("亲，您把差评删了我们马上给您退款", "review_manipulation"),
    ("亲，改成好评的话运费我们来出", "review_manipulation"),
    ("爱买不买，就这个价", "rude"),
    ("你瞎啊，详情页写得清清楚楚", "rude"),
    ("烦不烦啊，都说了没货", "rude"),
    ("有病吧，同一个问题问八遍", "rude"),
    ("说了多少遍了，SB", "rude"),
]

WARNED = [
    ("亲，保证明天到货的哦", "promise_overreach"),
    ("亲，我们一定给您退款的", "promise_overreach"),
    ("亲，肯定今天发货哦", "promise_overreach"),
    ("亲，保证24小时内到账哦", "promise_overreach"),
]

TABLE = [(text, None) for text in ALLOWED] + BLOCKED + WARNED


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return load_rules()


@pytest.mark.parametrize("text, rule_id", TABLE)
def test_reply_table(rules, text: str, rule_id: Optional[str]) -> None:  # type: ignore[no-untyped-def]
    verdict = check(text, rules)
    assert {f.rule_id for f in verdict.findings} == ({rule_id} if rule_id else set()), verdict.payload()
    if rule_id is None:
        assert verdict.ok and not verdict.blocked
    else:
        expected = "warn" if (text, rule_id) in WARNED else "block"
        assert verdict.blocked is (expected == "block")
        assert all(f.match and f.match in text for f in verdict.findings)


def test_table_is_balanced() -> None:
    assert len(TABLE) >= 50
    assert abs(len(ALLOWED) - len(BLOCKED) - len(WARNED)) <= 5
    assert len({text for text, _ in TABLE}) == len(TABLE)


@pytest.mark.parametrize(
    "text, matches",
    [("亲，加我Ｖ　信", ["加我", "Ｖ　信"]),
     ("亲，微\u200b信联系", ["微\u200b信"]),
     ("亲，微\u2060信联系", ["微\u2060信"]),
     ("这是最\u200b好的面料", ["最\u200b好"]),
     ("电话１３８ 1234-5678哦", ["１３８ 1234-5678"]),
     ("号码幺三八一二三四五六七八", ["幺三八一二三四五六七八"]),
     ("看这里www.abc.com，谢谢", ["www.abc.com"])],
)
def test_matches_are_snippets_of_the_original(rules, text: str, matches: list) -> None:  # type: ignore[no-untyped-def]
    findings = check(text, rules).findings
    assert [f.match for f in findings] == matches
    assert all(text[f.span[0]:f.span[1]] == f.match for f in findings if f.span)


def test_payload_shape(rules) -> None:  # type: ignore[no-untyped-def]
    payload = check("亲，保证明天到货，加我微信", rules).payload()
    assert json.loads(json.dumps(payload, ensure_ascii=False)) == payload
    assert payload["ok"] is False and payload["blocked"] is True
    assert [f["rule_id"] for f in payload["findings"]] == ["contact_im", "contact_im", "promise_overreach"]
    first = payload["findings"][0]
    assert set(first) == {"rule_id", "severity", "reason", "match", "span"}
    assert first["match"] == "加我" and first["severity"] == "block" and "站外" in first["reason"]
    assert check("亲，您好", rules).payload() == {"ok": True, "blocked": False, "findings": []}


def test_warning_only_is_not_blocked(rules) -> None:  # type: ignore[no-untyped-def]
    verdict = check("亲，我们一定给您退款的", rules)
    assert not verdict.ok and not verdict.blocked
    assert [f.rule_id for f in verdict.warnings] == ["promise_overreach"]
    assert Verdict(()).ok and not Verdict(()).blocked and Verdict(()).warnings == ()


def test_rules_are_cached_and_shops_without_a_file_get_the_defaults() -> None:
    assert load_rules() is load_rules()
    assert load_rules("wuhan").ids == load_rules().ids
    assert {"contact_im", "contact_phone", "contact_link", "ad_absolute", "review_manipulation",
            "promise_overreach", "rude"} == set(load_rules().ids)


def make_root(tmp_path: Path, real_root: Path, shop: Optional[dict] = None) -> Path:
    target = tmp_path / "data" / "compliance" / "default.yml"
    target.parent.mkdir(parents=True)
    shutil.copy(real_root / "data" / "compliance" / "default.yml", target)
    if shop is not None:
        write(tmp_path / "data" / "shops" / "demo" / "compliance.yml", shop)
    return tmp_path


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True),
                    encoding="utf-8")
    return path


def test_shop_file_disables_adds_and_replaces_rules(tmp_path: Path, root: Path) -> None:
    shop = {
        "disable": ["ad_absolute"],
        "rules": [
            {"id": "competitor", "severity": "warn", "reason": "不要提及竞品店铺", "words": ["隔壁店"]},
            {"id": "rude", "severity": "warn", "reason": "注意语气", "words": ["烦不烦"]},
        ],
    }
    data_root = make_root(tmp_path, root, shop)
    rules = load_rules("demo", root=data_root)
    assert "ad_absolute" not in rules.ids and "competitor" in rules.ids
    assert check("亲，这是顶级真丝面料", rules).ok
    assert not check("亲，这是顶级真丝面料", load_rules(root=data_root)).ok
    assert [f.rule_id for f in check("亲，隔壁店的不是正品哦", rules).warnings] == ["competitor"]
    rude = check("烦不烦啊", rules)
    assert not rude.blocked and [f.reason for f in rude.warnings] == ["注意语气"]
    assert check("滚", rules).ok  # the replaced rule no longer has the default words
    assert check("亲，加我微信", rules).blocked  # untouched defaults stay


def bad_rule(**change: object) -> dict:
    rule = {"id": "x", "severity": "block", "reason": "原因", "regex": ["微信"]}
    rule.update(change)
    return {"rules": [{k: v for k, v in rule.items() if v is not None}]}


@pytest.mark.parametrize(
    "shop, key, problem",
    [
        (bad_rule(regex=["(微信"]), "rules.x.regex.0", "bad regex"),
        (bad_rule(allow=["[a-"]), "rules.x.allow.0", "bad regex"),
        (bad_rule(severity="fatal"), "rules.x.severity", "unexpected value"),
        (bad_rule(reason=None), "rules.x.reason", "field required"),
        (bad_rule(reason="  "), "rules.x.reason", "at least 1 character"),
        (bad_rule(regex=None), "rules.x", "needs words or regex"),
        (bad_rule(view="fuzzy"), "rules.x.view", "unexpected value"),
        (bad_rule(id="Bad Id"), "rules.0.id", "string does not match regex"),
        ({"rules": bad_rule()["rules"] * 2}, "rules", "duplicate rule id 'x'"),
        ({"disable": ["no_such_rule"]}, "disable.0", "unknown rule id 'no_such_rule'"),
        ({"surprise": 1}, "surprise", "extra fields not permitted"),
        ("rules: [unclosed", "", "not valid YAML"),
        ("- just a list", "(top level)", "expected a mapping"),
    ],
)
def test_bad_shop_file_names_file_key_and_problem(tmp_path: Path, root: Path, shop: object, key: str,
                                                  problem: str) -> None:
    data_root = make_root(tmp_path, root, shop)  # type: ignore[arg-type]
    path = data_root / "data" / "shops" / "demo" / "compliance.yml"
    with pytest.raises(ComplianceError) as error:
        load_rules("demo", root=data_root)
    message = str(error.value)
    assert message.startswith(f"{path}: {key}"), message
    assert problem in message


def test_bad_default_file_is_named(tmp_path: Path, root: Path) -> None:
    data_root = make_root(tmp_path, root)
    default = data_root / "data" / "compliance" / "default.yml"
    data = yaml.safe_load(default.read_text(encoding="utf-8"))
    data["rules"][1]["severity"] = "maybe"
    write(default, data)
    with pytest.raises(ComplianceError, match=r"default\.yml: rules\.contact_phone\.severity: unexpected"):
        load_rules(root=data_root)
    with pytest.raises(ComplianceError, match="file not found"):
        load_rules(root=tmp_path / "nowhere")


def test_shop_id_cannot_leave_the_shops_directory() -> None:
    with pytest.raises(ComplianceError, match="bad shop id"):
        load_rules("../../etc")


def test_every_library_phrase_passes_the_default_rules() -> None:
    """What the assistant itself suggests (including the off-hours auto-reply) is clean."""
    from bot.phrases import shop_library

    rules = load_rules()
    library = {**shop_library("wuhan"), **shop_library("shanghai")}
    flagged = {p.id: [f.match for f in check(p.text, rules).findings] for p in library.values()
               if not check(p.text, rules).ok}
    assert flagged == {}
