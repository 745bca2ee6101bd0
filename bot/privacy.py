"""Masking of buyers' personal data: mobile numbers, ID numbers, street addresses.

Used wherever buyer data leaves the store for people or files: review screens,
exports, dashboards and every log line (``MaskingFilter``). Masking keeps enough
for an agent to recognise the value (138****5678, 武汉市洪山区****) and nothing more.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.nlu.entity_rules import is_id_number

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_HAN = "\u4e00-\u9fa5"
_ADMIN = (rf"(?:[{_HAN}]{{2,7}}(?:省|自治区))?(?:[{_HAN}]{{2,7}}(?:市|州|盟))?"
          rf"(?:[{_HAN}]{{1,7}}(?:区|县|旗|镇))?")
_DETAIL = rf"[{_HAN}A-Za-z0-9\-#()（）号栋幢单元室楼层]*"
_STREET = (rf"(?:[{_HAN}A-Za-z0-9]{{1,20}}?(?:路|街|大道|道|巷|弄|胡同|村|小区|大厦|花园|公寓|广场)"
           rf"|(?<=[区县旗镇])\d+(?:号|栋|幢|弄))" + _DETAIL)
_ADDRESS = re.compile(rf"({_ADMIN})({_STREET})")


def _mask_id(match: re.Match) -> str:
    number = match.group(1)
    before = match.string[max(0, match.start() - 12):match.start()]
    if not is_id_number(number, before):
        return number  # an order number, not personal data
    return number[:3] + "*" * 11 + number[-4:]


def _mask_address(match: re.Match) -> str:
    admin = match.group(1)
    return (admin or "") + "****" if admin else "****"


def mask(text: Any) -> str:
    """The text with phones, ID numbers and street-level address details masked."""
    value = str(text)
    value = _ID.sub(_mask_id, value)
    value = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", value)
    return _ADDRESS.sub(_mask_address, value)


def pii_spans(text: str) -> List[Tuple[int, int]]:
    """Where in ``text`` the personal data is: (start, end) of the parts ``mask`` hides."""
    spans: List[Tuple[int, int]] = []
    for match in _ID.finditer(text):
        if is_id_number(match.group(1), text[max(0, match.start() - 12):match.start()]):
            spans.append(match.span(1))
    spans += [m.span() for m in _PHONE.finditer(text)]
    spans += [m.span(2) for m in _ADDRESS.finditer(text)]
    return sorted(spans)


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
