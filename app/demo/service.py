"""Demo data for ``make run``: a realistic kelurahan to click through."""

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area

DEMO_TREE = Path(__file__).with_name("areas.yaml")


def is_empty(session: Session) -> bool:
    """Tell whether the database holds no area yet."""
    return session.scalar(select(Area.id).limit(1)) is None


def load(session: Session, now: datetime) -> dict[str, Any]:
    """Load the demo kelurahan; returns what was created."""
    tree = yaml.safe_load(DEMO_TREE.read_text(encoding="utf-8"))
    created, existing = areas.import_tree(session, tree, now=now)
    return {"areas_created": created, "areas_existing": existing}
