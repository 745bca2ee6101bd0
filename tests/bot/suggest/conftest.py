from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.store.db import make_engine, migrate, session_factory
from bot.store.demo import load_demo
from tests.bot.store.conftest import NOW


@pytest.fixture(scope="module")
def demo_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('db')) / 'shop.db'}"
    migrate(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    with factory() as s:
        load_demo(s, now=NOW)
        s.commit()
        yield s
    engine.dispose()
