"""Small typed factories: each flushes, none commits."""

from datetime import datetime
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from app.areas import service as areas
from app.areas.models import Area, AreaKind
from app.areas.schemas import AreaCreate

_seq = count(1)


def make_area(
    session: Session, kind: AreaKind, parent: Area | None, now: datetime, **overrides: Any
) -> Area:
    data = AreaCreate.model_validate(
        {"kind": kind, "name": f"{kind.value.upper()} {next(_seq):03d}"}
        | {"parent_id": parent.id if parent else None}
        | overrides
    )
    return areas.create_area(session, data, actor_id=None, now=now)


def make_tree(session: Session, now: datetime) -> dict[str, Area]:
    """A kota down to two RWs with two RTs each."""
    kota = make_area(session, AreaKind.kota, None, now)
    kecamatan = make_area(session, AreaKind.kecamatan, kota, now)
    kelurahan = make_area(session, AreaKind.kelurahan, kecamatan, now)
    rw1 = make_area(session, AreaKind.rw, kelurahan, now)
    rw2 = make_area(session, AreaKind.rw, kelurahan, now)
    return {
        "kota": kota,
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "rw1": rw1,
        "rw2": rw2,
        "rt1": make_area(session, AreaKind.rt, rw1, now),
        "rt2": make_area(session, AreaKind.rt, rw1, now),
        "rt3": make_area(session, AreaKind.rt, rw2, now),
    }
