"""Users of the service: a role, the shops they work for, and a bearer token.

Only a SHA-256 of each token is stored; the token itself is shown once, when
the user is created or the token is rotated.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Iterable, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.assist.errors import Conflict, InvalidInput, NotFound
from bot.store.models import Shop
from bot.store.service_models import Role, User

_NAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token() -> str:
    return "sa_" + secrets.token_urlsafe(32)


def authenticate(session: Session, token: Optional[str]) -> Optional[User]:
    if not token:
        return None
    user = session.execute(select(User).where(User.token_hash == hash_token(token))).scalar()
    return user if user is not None and user.active else None


def may_see(user: User, shop_id: str) -> bool:
    return user.role == Role.admin or shop_id in (user.shops or [])


def visible_shops(session: Session, user: User) -> List[str]:
    shops = session.execute(select(Shop.id).order_by(Shop.id)).scalars().all()
    return [s for s in shops if may_see(user, s)]


def create_user(session: Session, name: str, role: str, shops: Iterable[str]) -> Tuple[User, str]:
    """A new user and their token (the only time the token is available)."""
    if not _NAME.match(name or ""):
        raise InvalidInput("name must be 2-64 letters, digits, '_', '.' or '-'")
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput(f"role must be one of {', '.join(r.value for r in Role)}") from None
    shop_list = sorted(set(shops))
    known = set(session.execute(select(Shop.id)).scalars())
    unknown = [s for s in shop_list if s not in known]
    if unknown:
        raise NotFound(f"unknown shop(s): {', '.join(unknown)}")
    if role_value != Role.admin and not shop_list:
        raise InvalidInput("an agent or supervisor needs at least one shop")
    if session.execute(select(User).where(User.name == name)).scalar() is not None:
        raise Conflict(f"a user named {name!r} exists")
    token = issue_token()
    user = User(name=name, role=role_value, shops=shop_list, token_hash=hash_token(token))
    session.add(user)
    session.flush()
    return user, token


def rotate_token(session: Session, name: str) -> str:
    user = session.execute(select(User).where(User.name == name)).scalar()
    if user is None:
        raise NotFound(f"no user named {name!r}")
    token = issue_token()
    user.token_hash = hash_token(token)
    user.active = True
    return token
