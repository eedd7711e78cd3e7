"""Demo data for ``make run``: a realistic kelurahan to click through."""

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area
from app.auth import service as auth
from app.auth.models import Role, User
from app.config import Settings

DEMO_TREE = Path(__file__).with_name("areas.yaml")
DEMO_PASSWORD = "ronda-demo"
# One login per role; README lists them.
DEMO_LOGINS: list[tuple[str, str, Role, tuple[str, ...] | None]] = [
    ("admin", "Admin Kelurahan", Role.admin, None),
    ("ketua.rw01", "Bapak Suharto Wibowo", Role.rw_head, ("RW 01",)),
    ("ketua.rt01", "Bapak Agus Setiawan", Role.rt_head, ("RW 01", "RT 01")),
    ("warga.rt01", "Ibu Sri Wahyuni", Role.member, ("RW 01", "RT 01")),
    ("bhabin.bulusan", "Bripka Dedi Kurniawan", Role.liaison, ()),
]


def is_empty(session: Session) -> bool:
    """Tell whether the database holds no area yet."""
    return session.scalar(select(Area.id).limit(1)) is None


def _area(session: Session, *names: str) -> Area:
    """Find a demo area by its names from the top, e.g. ("RW 01", "RT 01") under Bulusan."""
    area = session.scalars(select(Area).where(Area.name == "Bulusan")).one()
    for name in names:
        area = session.scalars(
            select(Area).where(Area.parent_id == area.id, Area.name == name)
        ).one()
    return area


def load(session: Session, now: datetime, settings: Settings) -> dict[str, Any]:
    """Load the demo kelurahan and one login per role; returns what was created."""
    tree = yaml.safe_load(DEMO_TREE.read_text(encoding="utf-8"))
    created, existing = areas.import_tree(session, tree, now=now)
    logins = 0
    for username, full_name, role, where in DEMO_LOGINS:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            continue
        user = auth.create_user(
            session,
            settings,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            phone=None,
            language="id",
            now=now,
            actor_id=None,
        )
        area = _area(session, *where) if where is not None else None
        auth.grant(session, user=user, role=role, area=area, granted_by=None, now=now)
        logins += 1
    return {"areas_created": created, "areas_existing": existing, "logins_created": logins}
