"""Drafting every RT at once, on a database of its own (it opens its own connections)."""

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app import migrate
from app.cli import cli
from app.config import get_settings
from app.db import make_engine, make_sessionmaker
from app.rostering import drafting
from app.rostering import service as rostering
from app.rostering.models import Assignment, Roster
from tests.conftest import T0
from tests.factories import make_household, make_tree
from tests.rostering.validity import broken_rules

from .conftest import Database

pytestmark = pytest.mark.server


def test_draft_all_drafts_each_rt_once(live_database: Database, monkeypatch) -> None:
    migrate.upgrade(live_database.url)
    engine = make_engine(live_database.url)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        tree = make_tree(session, T0)
        for rt in (tree["rt1"], tree["rt2"], tree["rt3"]):
            for _ in range(12):
                make_household(session, rt, T0, members=1)
        rostering.generate_draft(session, tree["rt3"], "2026-12", actor_id=None, now=T0)
        rt_ids = [tree[k].id for k in ("rt1", "rt2", "rt3")]
    result = drafting.draft_all(factory, "2026-12", now=T0, workers=2, chunk=1)
    assert (result.rts, result.unfilled) == (2, 0)
    with factory() as session:
        rosters = session.scalars(select(Roster).where(Roster.month == "2026-12")).all()
        assert sorted(r.rt_id for r in rosters) == rt_ids
        for roster in rosters:
            nights = rostering.roster_nights(session, roster)
            solution = {
                "nights": [
                    {"date": n.night_date.isoformat(), "households": [str(h.id) for _a, h in on]}
                    for n, on in nights
                ]
            }
            assert len(nights) == 31
            assert broken_rules(roster.problem, solution) == []
        written = session.scalar(select(func.count()).select_from(Assignment))
    assert written == 3 * 31 * 4  # three RTs, every night of December, teams of four
    assert result.assignments == written * 2 // 3
    monkeypatch.setenv("RONDA_DATABASE_URL", live_database.url)
    get_settings.cache_clear()
    again = CliRunner().invoke(cli, ["roster", "draft-all", "--month", "2026-12"])
    get_settings.cache_clear()
    assert again.exit_code == 0, again.output
    assert "0 RTs drafted" in again.output
    engine.dispose()
