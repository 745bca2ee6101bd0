"""The shops' product catalogues (data/shops/<shop>/catalogue.yml), and finding the
product a buyer pastes (an item link or 宝贝 number) or names (a title or an alias).

A malformed file raises :class:`CatalogueError` naming the file, the product and the
problem, e.g. ``data/shops/wuhan/catalogue.yml: products[3].item_no: expected 12 digits``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

from bot.datafiles import read_mapping
from bot.policy import SHOPS_DIR

SIZED_CATEGORIES = ("服装", "鞋")  # these need a size chart, and every sku has a size


class CatalogueError(ValueError):
    """A catalogue file that cannot be used, with file, product and problem."""


@dataclass(frozen=True)
class Sku:
    colour: Optional[str]  # None for products without colours (food, tea)
    size: Optional[str]    # None for unsized products
    stock: int


@dataclass(frozen=True)
class CatalogueItem:
    item_no: str
    title: str
    category: str
    price: str  # yuan, 2 decimals
    weight_kg: float
    aliases: Tuple[str, ...]
    material: str
    colours: Tuple[str, ...]
    origin: str
    authenticity: str
    colour_note: str
    usage: str
    skus: Tuple[Sku, ...]
    size_chart: Optional[Tuple[Dict[str, Any], ...]] = None
    notes: Optional[str] = None

    @property
    def short_title(self) -> str:
        """The title without its pack size: 新疆和田骏枣 一级 500g → 新疆和田骏枣."""
        return self.title.split()[0]

    @property
    def names(self) -> Tuple[str, ...]:
        """Title, short title and aliases: what a buyer may call it."""
        return tuple(dict.fromkeys((self.title, self.short_title, *self.aliases)))


_TEXT = ("title", "category", "material", "origin", "authenticity", "colour_note", "usage")


def _item(raw: Any, where: str) -> CatalogueItem:
    def fail(key: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{where}.{key}: {problem}")

    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: expected a mapping")
    for key in ("item_no", "price", *_TEXT):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise fail(key, "expected a non-empty string")
    if not re.fullmatch(r"\d{12}", raw["item_no"]):
        raise fail("item_no", "expected 12 digits")
    if not re.fullmatch(r"\d+\.\d\d", raw["price"]):
        raise fail("price", "expected yuan with 2 decimals, e.g. \"129.00\"")
    colours = tuple(raw.get("colours") or ())
    chart = raw.get("size_chart")
    sizes = [row.get("size") for row in chart] if isinstance(chart, list) else []
    if raw["category"] in SIZED_CATEGORIES and not sizes:
        raise fail("size_chart", f"a {raw['category']} product needs a size chart")
    skus = []
    for j, sku in enumerate(raw.get("skus") or ()):
        colour, size = sku.get("colour"), sku.get("size")
        if colour is not None and colour not in colours:
            raise fail(f"skus[{j}].colour", f"{colour!r} is not one of the colours")
        if colour is None and colours:
            raise fail(f"skus[{j}].colour", "missing (the product has colours)")
        if sizes and size not in sizes:
            raise fail(f"skus[{j}].size", f"{size!r} is not a size of the size chart")
        if not isinstance(sku.get("stock"), int) or sku["stock"] < 0:
            raise fail(f"skus[{j}].stock", "expected a whole number >= 0")
        skus.append(Sku(colour, None if size is None else str(size), sku["stock"]))
    if not skus:
        raise fail("skus", "at least one sku")
    return CatalogueItem(
        item_no=raw["item_no"], title=raw["title"], category=raw["category"], price=raw["price"],
        weight_kg=float(raw.get("weight_kg") or 1), aliases=tuple(raw.get("aliases") or ()),
        material=raw["material"], colours=colours, origin=raw["origin"],
        authenticity=raw["authenticity"], colour_note=raw["colour_note"], usage=raw["usage"],
        skus=tuple(skus), size_chart=tuple(dict(row) for row in chart) if sizes else None,
        notes=raw.get("notes"))


@lru_cache(maxsize=None)
def _load(shop_id: str) -> Tuple[CatalogueItem, ...]:
    path = SHOPS_DIR / shop_id / "catalogue.yml"
    if not path.exists():  # a shop without a catalogue (or no such shop): no products
        return ()
    data = read_mapping(path, CatalogueError)
    if not isinstance(data.get("products"), list):
        raise CatalogueError(f"{path}: products: expected a list")
    items = tuple(_item(raw, f"{path}: products[{i}]") for i, raw in enumerate(data["products"]))
    seen: Dict[str, int] = {}
    for i, item in enumerate(items):
        if item.item_no in seen:
            raise CatalogueError(f"{path}: products[{i}].item_no: {item.item_no} is also "
                                 f"products[{seen[item.item_no]}]")
        seen[item.item_no] = i
    return items


def load_catalogue(shop_id: str) -> List[CatalogueItem]:
    """The shop's products in file order (read once per process); [] for a shop
    without a catalogue file."""
    return list(_load(shop_id))


def _norm(text: str) -> str:
    """Full-width digits, letters and punctuation as half-width, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


# ...item.htm?spm=...&id=520012345678, a.m.taobao.com/i520012345678.htm, "id=..." in share text
_LINK_ID = re.compile(r"(?<![a-z_])(?:item_?id|id)\s*[=:]\s*(\d{9,13})(?!\d)|/i(\d{9,13})\.htm")
_BARE = re.compile(r"(?<!\d)(\d{12})(?!\d)")


def item_from_text(shop_id: str, text: str) -> Optional[str]:
    """The item number of a pasted item link (any id a link carries), or a bare 12-digit
    number that is one of the shop's item numbers. Other long numbers (order numbers,
    tracking numbers) give None."""
    text = _norm(text)
    link = _LINK_ID.search(text)
    if link:
        return link.group(1) or link.group(2)
    numbers = {item.item_no for item in _load(shop_id)}
    return next((n for n in _BARE.findall(text) if n in numbers), None)


@lru_cache(maxsize=None)
def _names(shop_id: str) -> Dict[str, Tuple[int, ...]]:
    """Each normalised name → the indexes of the products it names."""
    owners: Dict[str, List[int]] = {}
    for i, item in enumerate(_load(shop_id)):
        for name in item.names:
            owners.setdefault(_norm(name), []).append(i)
    return {name: tuple(dict.fromkeys(ids)) for name, ids in owners.items()}


def products_named(shop_id: str, text: str) -> List[CatalogueItem]:
    """The products whose title or an alias occurs in the text, in order of mention.

    A name inside a longer name found at the same place does not count (真丝连衣裙 hides
    连衣裙). Names of one product beat generic ones (裙子, 鞋子, 茶: several products): a
    product only named generically is returned only when nothing is named specifically,
    and then all the products the generic names share are."""
    items, owners, hay = _load(shop_id), _names(shop_id), _norm(text)
    found: List[Tuple[int, int, str]] = []
    for name in owners:
        start = hay.find(name)
        while start != -1:
            found.append((start, start + len(name), name))
            start = hay.find(name, start + 1)
    kept = [(s, e, n) for s, e, n in found
            if not any(s2 <= s and e <= e2 and e2 - s2 > e - s for s2, e2, _ in found)]
    specific = [m for m in kept if len(owners[m[2]]) == 1]
    order: Dict[int, int] = {}
    for start, _end, name in sorted(specific or kept):
        for i in owners[name]:
            order.setdefault(i, start)
    return [items[i] for i in sorted(order, key=lambda i: (order[i], i))]
