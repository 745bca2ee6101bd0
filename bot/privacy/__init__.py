"""Masking of buyers' personal data: phone numbers, ID numbers, street-level addresses.

Used wherever buyer data leaves the store for people or files: review screens,
exports, dashboards, Rasa's state in Redis and every log line (``MaskingFilter``).
Masking keeps enough for a person to recognise the value (138****5678,
420***********4817, 武汉市洪山区****) and nothing more. What counts as personal
data, and who sees what: docs/privacy.md.

Detection runs on a length-preserving normal form of the text (``text.normalise``:
full-width, Chinese digits), so every span points into the text as written.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.privacy.numbers import Found, id_numbers, phones
from bot.privacy.places import addresses
from bot.privacy.text import normalise

__all__ = ["mask", "pii_spans", "pii_entities", "mask_pieces", "MaskingFilter",
           "install_log_masking", "route_structlog", "find"]


def find(text: str) -> List[Found]:
    """Every piece of personal data in ``text``, in order, none overlapping.

    ID numbers win over phones (a phone-like run inside an ID), numbers over
    addresses (an address ends where a phone begins)."""
    norm = normalise(text)
    kept: List[Found] = []
    for found in id_numbers(norm) + phones(norm):
        if not any(f.start < found.end and found.start < f.end for f in kept):
            kept.append(found)
    numbers = list(kept)
    for a in addresses(norm):
        end = a.end  # an address stops where a phone or ID number begins
        for f in numbers:
            if f.start < end and a.detail < f.end:
                end = f.start if f.start > a.detail else a.detail
        end = len(norm[:end].rstrip(" -#,，"))
        if a.detail < end:
            kept.append(Found("address", a.start, end, a.detail, end, "****"))
    return sorted(kept, key=lambda f: f.start)


def mask(text: Any) -> str:
    """The text with phones, ID numbers and street-level address details masked."""
    value = str(text)
    out, cursor = [], 0
    for f in find(value):
        out += [value[cursor:f.hidden_start], f.shown]
        cursor = f.hidden_end
    return "".join(out + [value[cursor:]])


def pii_spans(text: str) -> List[Tuple[int, int]]:
    """Where in ``text`` the personal data is: (start, end) of the parts ``mask`` hides."""
    return [(f.hidden_start, f.hidden_end) for f in find(text)]


def pii_entities(text: str) -> List[Dict[str, Any]]:
    """The personal data in ``text``: kind (phone, id_number, address), start and end of
    the whole value (an address with its province/city/district), and ``hidden``:
    the (start, end) that ``mask`` replaces."""
    return [{"kind": f.kind, "start": f.start, "end": f.end, "text": text[f.start:f.end],
             "hidden": (f.hidden_start, f.hidden_end)} for f in find(text)]


def mask_pieces(text: str, pieces: Sequence[Dict[str, Any]],
                key: str = "text") -> List[Dict[str, Any]]:
    """Tokens or entity spans ({start, end, text/value}) of ``text`` with the personal
    parts starred, for screens that show a message piece by piece."""
    spans = pii_spans(text)
    out = []
    for piece in pieces:
        start, end = piece.get("start"), piece.get("end")
        hidden = (isinstance(start, int) and isinstance(end, int)
                  and any(s < end and start < e for s, e in spans))
        value = str(piece.get(key, ""))
        shown = {**piece, key: "*" * len(value) if hidden else mask(value)}
        if hidden:
            shown.pop("additional_info", None)  # e.g. a phone's digits, normalised
        out.append(shown)
    return out


class MaskingFilter(logging.Filter):
    """A logging filter that masks the formatted message of every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install_log_masking(logger: Optional[logging.Logger] = None) -> None:
    """Mask every record that reaches the handlers of ``logger`` (the root by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


def route_structlog(level: int = logging.WARNING) -> None:
    """Send Rasa's structlog lines (which carry message texts at debug level) through the
    logging module, whose handlers mask them, and drop those below ``level``. Leaves an
    existing structlog configuration (e.g. Rasa's own CLI set-up) alone."""
    import structlog

    if not structlog.is_configured():
        structlog.configure(logger_factory=structlog.stdlib.LoggerFactory(),
                            wrapper_class=structlog.make_filtering_bound_logger(level),
                            cache_logger_on_first_use=True)
