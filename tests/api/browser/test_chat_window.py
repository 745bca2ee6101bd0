"""The buyer chat window (/chat/{shop}) and the embeddable widget in headless Chromium
(docs/channels.md): a buyer's message reaches the agents' console and the approved
reply comes back to the buyer's window live; the off-hours auto-reply shows at once; the
widget on another origin opens the window in a frame and signs the buyer in by
postMessage; a lost or 5xx answer is retried with the same message id, 429 explained;
a stream that fails is reopened with backoff and what was missed is fetched; a
phone-sized screen has no horizontal scroll.

The buyer's page and the console talk to the live app over HTTP; the checks read the
agents' API with the in-process ``client`` (one database, live events through Redis).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from bot.channels.config import configure
from bot.channels.signing import sign_buyer
from bot.store import runtime
from tests.api.browser.conftest import item, open_console, screenshot
from tests.api.conftest import SHANGHAI, Clock

pytestmark = [pytest.mark.browser]

ITEM = "520163408217"   # 纯棉家居服套装, a wuhan product (data/shops/wuhan/catalogue.yml)
NIGHT = dt.datetime(2026, 11, 23, 23, 45, tzinfo=SHANGHAI)  # wuhan closes at 23:30


# ---- helpers ---------------------------------------------------------------------------


@pytest.fixture()
def new_context(browser: Any, live_url: str) -> Iterator[Any]:
    """More browser contexts (another person's browser), each page checked for script
    errors; all closed after the test."""
    contexts: List[Any] = []
    errors: List[str] = []

    def make(**options: Any) -> Any:
        options = {"viewport": {"width": 1280, "height": 860}, "locale": "zh-CN",
                   "base_url": live_url, **options}
        context = browser.new_context(**options)
        context.on("page", lambda tab: tab.on("pageerror", lambda e: errors.append(str(e))))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert errors == []


def buyer_page(new_context: Any, path: str, **options: Any) -> Any:
    tab = new_context(**options).new_page()
    tab.goto(path)
    expect(tab.get_by_test_id("chat-status")).to_have_attribute("data-state", "open")
    return tab


def conversation_of(tab: Any) -> str:
    log = tab.get_by_test_id("chat-log")
    expect(log).to_have_attribute("data-conversation-id", _nonempty())
    return log.get_attribute("data-conversation-id")


def _nonempty() -> Any:
    return re.compile(r".+")


def say(tab: Any, text: str) -> None:
    tab.get_by_test_id("chat-input").fill(text)
    tab.get_by_test_id("chat-send").click()


def messages(tab: Any, sender: str) -> Any:
    return tab.locator(f'[data-testid="chat-message"][data-from="{sender}"]')


def timeline(client: TestClient, agent: Dict[str, str], conversation: str) -> Dict[str, Any]:
    response = client.get(f"/api/shops/wuhan/conversations/{conversation}", headers=agent)
    assert response.status_code == 200, response.text
    return response.json()


def buyer_texts(client: TestClient, agent: Dict[str, str], conversation: str) -> List[str]:
    return [entry["text"] for entry in timeline(client, agent, conversation)["timeline"]
            if entry["type"] == "buyer"]


# ---- tests -------------------------------------------------------------------------------


def test_buyer_message_reaches_the_console_and_the_approved_reply_comes_back(
        new_context: Any, client: TestClient, agent: Dict[str, str],
        tokens: Dict[str, str]) -> None:
    buyer = buyer_page(new_context, f"/chat/wuhan?item_id={ITEM}")
    expect(buyer.get_by_test_id("chat-item")).to_have_text(f"正在咨询宝贝 {ITEM}")
    conversation = conversation_of(buyer)
    assert conversation.startswith("web-v-")
    sent: List[Any] = []
    buyer.on("request", lambda r: sent.append(r.post_data_json)
             if r.method == "POST" and r.url.endswith("/api/chat/wuhan/messages") else None)
    say(buyer, "这个有货吗")
    expect(messages(buyer, "buyer")).to_have_count(1)
    expect(messages(buyer, "buyer")).to_have_attribute("data-id", _nonempty())
    expect(buyer.get_by_test_id("chat-input")).to_have_value("")

    console = new_context().new_page()
    open_console(console, tokens)
    row = item(console, conversation)
    expect(row.get_by_test_id("conversation-preview")).to_have_text("这个有货吗")
    row.click()
    expect(console.get_by_test_id("chat")).to_have_attribute("data-conversation-id", conversation)
    expect(console.get_by_test_id("target-text")).to_have_text("这个有货吗")
    cards = console.get_by_test_id("suggestion")
    expect(cards.first).to_be_visible()
    answer = cards.first.get_by_test_id("suggestion-text").inner_text()
    assert answer.strip()
    cards.first.get_by_test_id("approve").click()
    expect(console.get_by_test_id("chat-reply")).to_have_count(1)

    shop = messages(buyer, "shop")
    expect(shop).to_have_count(1)
    expect(shop.get_by_test_id("chat-text")).to_have_text(answer)
    expect(buyer.get_by_test_id("chat-message")).to_have_count(2)
    assert buyer.get_by_test_id("chat-message").evaluate_all(
        "nodes => nodes.map(n => n.dataset.from)") == ["buyer", "shop"]
    # the buyer's own on the right, the shop's on the left
    mine = messages(buyer, "buyer").bounding_box()
    theirs = shop.bounding_box()
    assert mine["x"] + mine["width"] > theirs["x"] + theirs["width"]
    assert theirs["x"] < mine["x"]
    # sent once, with the item asked about; stored once
    assert [(m["text"], m["item_id"]) for m in sent] == [("这个有货吗", ITEM)]
    assert buyer_texts(client, agent, conversation) == ["这个有货吗"]
    assert buyer.get_by_test_id("chat-log").inner_text().count(answer) == 1
    screenshot(buyer, "chat-window")

    # a reload: the same visitor, the same conversation, history in order, nothing twice
    buyer.reload()
    expect(buyer.get_by_test_id("chat-status")).to_have_attribute("data-state", "open")
    assert conversation_of(buyer) == conversation
    expect(buyer.get_by_test_id("chat-message")).to_have_count(2)
    expect(buyer.get_by_test_id("chat-text")).to_have_text(["这个有货吗", answer])


def test_off_hours_message_shows_the_auto_reply(new_context: Any, clock: Clock) -> None:
    clock.set(NIGHT)
    buyer = buyer_page(new_context, "/chat/wuhan")
    expect(buyer.get_by_test_id("chat-item")).to_be_hidden()
    say(buyer, "什么时候发货")
    shop = messages(buyer, "shop")
    expect(shop).to_have_count(1)
    expect(shop).to_contain_text("明天09:00")
    expect(buyer.get_by_test_id("chat-text")).to_have_text(["什么时候发货", _nonempty()])
    # the stream sends the same auto-reply too: still shown once
    buyer.wait_for_timeout(1500)
    expect(shop).to_have_count(1)
    expect(buyer.get_by_test_id("chat-error")).to_be_hidden()


class _HostPage(BaseHTTPRequestHandler):
    """A shop's own page on another origin, with the widget's script tag."""

    html = b""

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.html)))
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def host_site() -> Iterator[Any]:
    """serve(html) -> the URL of a page on its own loopback port (another origin)."""
    servers: List[ThreadingHTTPServer] = []

    def serve(html: str) -> str:
        handler = type("Host", (_HostPage,), {"html": html.encode()})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/item.html"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_widget_on_the_shops_site_signs_the_buyer_in(
        new_context: Any, host_site: Any, live_url: str, client: TestClient,
        agent: Dict[str, str], clock: Clock) -> None:
    with runtime.sessions()() as session:
        site_secret = configure(session, "wuhan").site_secret
    buyer_id = f"tb-{uuid.uuid4().hex[:10]}"
    ts = int(clock().timestamp())
    sig = sign_buyer(site_secret, "wuhan", buyer_id, ts)
    host = host_site(f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>暖暖家居旗舰店 纯棉家居服套装</title></head><body><h1>纯棉家居服套装</h1>
<script src="{live_url}/static/widget.js" data-shop="wuhan" data-item-id="{ITEM}"
        data-buyer-id="{buyer_id}" data-buyer-ts="{ts}" data-buyer-sig="{sig}" async></script>
</body></html>""")
    assert not host.startswith(live_url)

    tab = new_context(base_url=None).new_page()
    urls: List[str] = []
    tab.on("request", lambda request: urls.append(request.url))
    tab.goto(host)
    button = tab.get_by_test_id("widget-button")
    expect(button).to_have_text("联系客服")
    expect(tab.get_by_test_id("widget-frame")).to_have_count(0)
    button.click()
    frame_node = tab.get_by_test_id("widget-frame")
    expect(frame_node).to_be_visible()
    src = frame_node.get_attribute("src")
    assert src.startswith(f"{live_url}/chat/wuhan?") and f"item_id={ITEM}" in src and "embed=1" in src

    frame = tab.frame_locator('[data-testid="widget-frame"]')
    expect(frame.get_by_test_id("chat-status")).to_have_attribute("data-state", "open")
    conversation = f"web-b-{buyer_id}"
    expect(frame.get_by_test_id("chat-log")).to_have_attribute("data-conversation-id", conversation)
    expect(frame.get_by_test_id("chat-item")).to_have_text(f"正在咨询宝贝 {ITEM}")
    frame.get_by_test_id("chat-input").fill("请问这个什么时候能发货")
    frame.get_by_test_id("chat-input").press("Enter")
    expect(frame.locator('[data-testid="chat-message"][data-from="buyer"]')).to_have_attribute(
        "data-id", _nonempty())
    assert buyer_texts(client, agent, conversation) == ["请问这个什么时候能发货"]
    assert not any(sig in url or buyer_id in url for url in urls), "the signed id went into a URL"

    # the button closes the frame and opens it again: the same window, still signed in
    button.click()
    expect(frame_node).to_be_hidden()
    button.click()
    expect(frame_node).to_be_visible()
    expect(frame.get_by_test_id("chat-message")).to_have_count(1)


def test_a_lost_answer_is_retried_with_the_same_id_and_429_is_explained(
        new_context: Any, client: TestClient, agent: Dict[str, str]) -> None:
    buyer = buyer_page(new_context, f"/chat/wuhan?item_id={ITEM}")
    conversation = conversation_of(buyer)
    posted: List[Dict[str, Any]] = []

    def flaky(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posted.append(route.request.post_data_json)
        if len(posted) == 1:
            route.abort("connectionreset")       # no answer at all
        elif len(posted) == 2:
            route.fulfill(status=503, content_type="application/json", body='{"detail":"busy"}')
        else:
            route.continue_()

    buyer.route("**/api/chat/wuhan/messages", flaky)
    buyer.get_by_test_id("chat-input").fill("在吗")
    buyer.get_by_test_id("chat-input").press("Enter")
    expect(messages(buyer, "buyer")).to_have_attribute("data-id", _nonempty())
    assert len(posted) == 3
    assert len({p["client_message_id"] for p in posted}) == 1
    assert all(p["item_id"] == ITEM and p["text"] == "在吗" for p in posted)
    assert buyer_texts(client, agent, conversation) == ["在吗"]
    expect(buyer.get_by_test_id("chat-error")).to_be_hidden()

    buyer.unroute("**/api/chat/wuhan/messages")
    buyer.route("**/api/chat/wuhan/messages", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "30"}, content_type="application/json",
        body='{"detail":"too many messages"}') if route.request.method == "POST"
        else route.continue_())
    buyer.get_by_test_id("chat-input").fill("还在吗")
    buyer.get_by_test_id("chat-send").click()
    expect(buyer.get_by_test_id("chat-error")).to_have_text("发送太频繁，请稍后再试")
    expect(buyer.get_by_test_id("chat-input")).to_have_value("还在吗")  # not lost
    expect(messages(buyer, "buyer")).to_have_count(1)


def test_the_window_reconnects_with_backoff_and_gets_what_it_missed(
        new_context: Any, client: TestClient, agent: Dict[str, str]) -> None:
    tab = new_context().new_page()
    attempts: List[float] = []

    def down(route: Any) -> None:
        attempts.append(time.monotonic())
        route.abort("connectionrefused")

    tab.route("**/api/chat/wuhan/stream", down)
    tab.goto("/chat/wuhan")
    expect(tab.get_by_test_id("chat-status")).to_have_attribute("data-state", "retrying")
    expect(tab.get_by_test_id("chat-status")).to_have_text("连接中断，正在重连…")
    conversation = conversation_of(tab)
    say(tab, "你好")   # sending does not need the stream
    expect(messages(tab, "buyer")).to_have_attribute("data-id", _nonempty())
    reply = client.post(f"/api/shops/wuhan/conversations/{conversation}/replies",
                        json={"text": "亲，在的，请问有什么可以帮您"}, headers=agent)
    assert reply.status_code == 201, reply.text
    tab.wait_for_timeout(2500)
    tab.unroute("**/api/chat/wuhan/stream")
    gaps = [attempts[i + 1] - attempts[i] for i in range(len(attempts) - 1)]
    assert 2 <= len(attempts) <= 5, gaps
    assert gaps == sorted(gaps) and gaps[0] >= 0.9, gaps   # 1 s, 2 s, 4 s …: a backoff

    expect(tab.get_by_test_id("chat-status")).to_have_attribute("data-state", "open")
    expect(messages(tab, "shop")).to_have_text(re.compile("亲，在的，请问有什么可以帮您"))
    # and what comes next arrives live, once
    again = client.post(f"/api/shops/wuhan/conversations/{conversation}/replies",
                        json={"text": "这款今天下单明天发货"}, headers=agent)
    assert again.status_code == 201, again.text
    expect(tab.get_by_test_id("chat-text")).to_have_text(
        ["你好", "亲，在的，请问有什么可以帮您", "这款今天下单明天发货"])


def test_phone_screen_shows_input_and_send_without_horizontal_scroll(
        new_context: Any) -> None:
    buyer = buyer_page(new_context, f"/chat/wuhan?item_id={ITEM}",
                       viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True,
                       device_scale_factor=2)
    say(buyer, "想问一下这个链接 https://item.taobao.com/item.htm?id=" + "9" * 80 + " 有没有货")
    expect(messages(buyer, "buyer")).to_have_attribute("data-id", _nonempty())
    for testid in ("chat-input", "chat-send", "chat-item", "chat-status"):
        box = buyer.get_by_test_id(testid).bounding_box()
        assert box is not None and box["width"] > 0, testid
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (testid, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= 640, (testid, box)
    widths = buyer.evaluate("() => [document.documentElement.scrollWidth, "
                            "document.documentElement.clientWidth, document.body.scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths
    send = buyer.get_by_test_id("chat-send").bounding_box()
    assert send["height"] >= 36 and send["width"] >= 44   # big enough for a thumb
    screenshot(buyer, "chat-window-phone")
