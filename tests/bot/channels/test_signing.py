"""Signatures: what verifies, what is refused and why."""

from __future__ import annotations

from bot.channels.signing import buyer_problem, sign, sign_buyer, webhook_problem

SECRET = "s" * 64
BODY = '{"text": "在吗"}'.encode()


def test_a_signature_verifies_only_its_own_body_time_and_secret() -> None:
    signature = sign(SECRET, 1_000_000, BODY)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert webhook_problem(SECRET, "1000000", signature, BODY, 1_000_010) is None
    assert "does not match" in webhook_problem(SECRET, "1000000", signature, BODY + b" ", 1_000_010)
    assert "does not match" in webhook_problem("t" * 64, "1000000", signature, BODY, 1_000_010)
    assert "does not match" in webhook_problem(SECRET, "1000001", signature, BODY, 1_000_010)


def test_the_window_is_five_minutes_either_side() -> None:
    signature = sign(SECRET, 1_000_000, BODY)
    assert webhook_problem(SECRET, "1000000", signature, BODY, 1_000_300) is None
    assert "window" in webhook_problem(SECRET, "1000000", signature, BODY, 1_000_301)
    assert "window" in webhook_problem(SECRET, "1000000", signature, BODY, 999_699)
    assert "missing" in webhook_problem(SECRET, None, signature, BODY, 1_000_000)
    assert "unix seconds" in webhook_problem(SECRET, "12:00", signature, BODY, 1_000_000)


def test_a_signed_buyer_id_is_bound_to_shop_buyer_and_day() -> None:
    sig = sign_buyer(SECRET, "wuhan", "tb-9", 1_000_000)
    assert buyer_problem(SECRET, "wuhan", "tb-9", 1_000_000, sig, 1_000_000 + 3600) is None
    assert buyer_problem(SECRET, "shanghai", "tb-9", 1_000_000, sig, 1_000_100)
    assert buyer_problem(SECRET, "wuhan", "tb-8", 1_000_000, sig, 1_000_100)
    assert "expired" in buyer_problem(SECRET, "wuhan", "tb-9", 1_000_000, sig, 1_000_000 + 86401)
