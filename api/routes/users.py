"""Who is asking (any user) and user management (admins)."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter

from api.deps import AdminDep, CurrentUser, SessionDep
from api.schemas import NewUser
from bot.assist.users import create_user, visible_shops
from bot.store.service_models import User

router = APIRouter(tags=["users"])


def _view(user: User) -> Dict[str, Any]:
    return {"name": user.name, "role": user.role.value, "shops": list(user.shops or [])}


@router.get("/me", summary="The user the token belongs to, and the shops they can see")
def me(user: CurrentUser, session: SessionDep) -> Dict[str, Any]:
    return {**_view(user), "visible_shops": visible_shops(session, user)}


@router.post("/users", status_code=201, summary="Create a user; the token is shown only here")
def add_user(body: NewUser, _: AdminDep, session: SessionDep) -> Dict[str, Any]:
    user, token = create_user(session, body.name, body.role, body.shops)
    session.commit()
    return {**_view(user), "token": token}
