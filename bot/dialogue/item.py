"""The item in question: the 宝贝 a turn is about.

千牛 shows the agent the item the buyer is chatting from; clients send it as
``metadata.item_id``. A pasted item link or number, or a product named in the
message (matched against the shop's catalogue by its title and aliases), sets it
too; otherwise the item of the previous turns carries on. When a name fits several
products (裙子 in a shop with two dresses), the turn has candidates to ask about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from bot.catalogue import item_from_text, load_catalogue, products_named


@dataclass(frozen=True)
class ItemInView:
    item_id: Optional[str] = None
    source: Optional[str] = None        # link, name, metadata, carried
    candidates: List[str] = field(default_factory=list)  # item numbers to ask about


def _known(shop_id: str, item_id: Optional[str]) -> Optional[str]:
    if not item_id:
        return None
    item_id = str(item_id).strip()
    return item_id if any(p.item_no == item_id for p in load_catalogue(shop_id)) else None


def item_in_view(shop_id: str, text: str, metadata_item: Optional[str],
                 carried: Optional[str]) -> ItemInView:
    linked = item_from_text(shop_id, text)
    if linked:
        return ItemInView(linked, "link")
    shown = _known(shop_id, metadata_item)
    previous = _known(shop_id, carried)
    named = products_named(shop_id, text)
    if len(named) == 1:
        return ItemInView(named[0].item_no, "name")
    if len(named) > 1:
        numbers = [p.item_no for p in named]
        for known, source in ((shown, "metadata"), (previous, "carried")):
            if known in numbers:
                return ItemInView(known, source)
        return ItemInView(None, "name", numbers)
    if shown:
        return ItemInView(shown, "metadata")
    if previous:
        return ItemInView(previous, "carried")
    return ItemInView()
