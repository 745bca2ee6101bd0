"""What the agent's panel calls intents and sub-topics (接上文：运费 → 杭州)."""

from __future__ import annotations

from typing import Optional

TOPIC_LABELS = {"shipping_query": "物流", "refund": "退换货", "size_query": "尺码",
                "bargain": "优惠", "complaint": "投诉", "change_order": "改订单",
                "product_query": "商品", "invoice": "发票", "human_handoff": "转人工",
                "greet": "问候", "goodbye": "道别", "affirm": "确认", "deny": "否定",
                "nlu_fallback": "未识别"}
SUBTOPIC_LABELS = {
    "shipping_query": {"fee": "运费", "dispatch_time": "发货时间", "urge": "催发货",
                       "tracking": "物流单号", "arrival": "到货时间", "stalled": "物流停滞",
                       "signed_not_received": "签收未收到", "extend_receipt": "延长收货",
                       "courier_choice": "快递选择", "free_shipping": "包邮",
                       "abroad": "港澳台/海外"},
    "refund": {"how": "怎么退", "eligibility": "能否退", "return_postage": "退货邮费",
               "cancel": "取消订单", "status": "退款进度", "refuse_delivery": "拒收",
               "shipping_fee_refund": "运费退不退"},
    "size_query": {"recommend": "选码", "chart": "尺码表"},
    "bargain": {"discount": "议价", "coupon": "优惠券", "threshold": "满减", "gift": "赠品"},
    "complaint": {"quality": "质量问题", "wrong_item": "发错货", "missing_item": "少发漏发",
                  "courier_damage": "快递破损", "service": "服务态度"},
    "change_order": {"address": "改地址", "sku_swap": "换尺码颜色"},
    "product_query": {"price": "价格", "material": "材质", "colour_diff": "色差",
                      "stock": "库存", "usage": "使用方法", "authenticity": "正品"},
}


def label(intent: str, subtopic: Optional[str] = None) -> str:
    """运费 for shipping_query/fee; the intent's name when there is no sub-topic."""
    sub = SUBTOPIC_LABELS.get(intent, {}).get(subtopic or "")
    return sub or TOPIC_LABELS.get(intent, intent)
