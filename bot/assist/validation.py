"""What a message or reply text may be: plain text, not empty, not too long."""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from bot.assist.errors import InvalidInput

MAX_CHARS = 2000  # the NLU parser's own limit; a chat message is far shorter
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
_HTML = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?\s*>|javascript\s*:", re.I)


def clean_text(text: Optional[str], field: str = "text", max_chars: int = MAX_CHARS) -> str:
    """The text stripped of surrounding space, or InvalidInput saying what is wrong."""
    if text is None:
        raise InvalidInput(f"{field} is missing")
    value = text.strip()
    if not value:
        raise InvalidInput(f"{field} is empty")
    if len(value) > max_chars:
        raise InvalidInput(f"{field} is {len(value)} characters long; the limit is {max_chars}")
    for i, ch in enumerate(value):
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs"):
            raise InvalidInput(f"{field} contains a control character (U+{ord(ch):04X} "
                               f"at position {i})")
    if _HTML.search(value):
        raise InvalidInput(f"{field} contains HTML or script markup; send plain text")
    return value
