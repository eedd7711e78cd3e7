"""Scheduled work on a database of its own: each job's effect, once per slot, whoever ticks."""

import re
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.jobs import service as jobs
from app.jobs.models import JobRun
from app.notifications.models import OutboxMessage
from app.patrols.models import NightLog
from app.rostering import service as rostering
from app.rostering.models import Assignment, Roster
from tests.conftest import T0
from tests.factories import make_household, make_tree

from .conftest import RONDA, Database, ronda_env

pytestmark = pytest.mark.server


def _city(url: str, rts: int = 3):
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        tree = make_tree(session, T0)
        areas = [tree["rt1"], tree["rt2"], tree["rt3"]][:rts]
        for rt in areas:
            for _ in range(10):
                make_household(session, rt, T0, members=1, joined_date=date(2025, 1, 1))
            roster = rostering.generate_draft(session, rt, "2026-12", actor_id=None, now=T0)
            rostering.publish(session, roster, actor_id=None, now=T0)
        ids = [rt.id for rt in areas]
    return engine, factory, ids


def _jakarta(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+07:00")


def _count(factory, model, *where) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_close_night_marks_no_shows_once(live_database: Database) -> None:
    engine, factory, _rts = _city(live_database.url)
    # Before 07:00 only the two earlier nights (within the grace) are due, for 3 RTs.
    assert jobs.run_tick(factory, "close-night", _jakarta("2026-12-06T06:55")) == 6
    assert jobs.run_tick(factory, "close-night", _jakarta("2026-12-06T07:05")) == 3
    assert jobs.run_tick(factory, "close-night", _jakarta("2026-12-06T07:06")) == 0
    with factory() as session:
        closed = session.scalars(
            select(NightLog).where(NightLog.night_date == date(2026, 12, 5))
        ).all()
        assert len(closed) == 3
        assert all(log.closed_at is not None and log.closed_by_id is None for log in closed)
        statuses = set(
            session.scalars(
                select(Assignment.status).where(Assignment.night_date == date(2026, 12, 5))
            )
        )
        assert {s.value for s in statuses} == {"absent"}
    # A scheduler down for a day catches up the missed night once.
    assert jobs.run_tick(factory, "close-night", _jakarta("2026-12-08T09:00")) == 6
    assert _count(factory, JobRun, JobRun.job == "close-night") == 15
    engine.dispose()


def test_reminders_and_next_months_draft(live_database: Database) -> None:
    engine, factory, _rts = _city(live_database.url, rts=2)
    # Three RTs (one has no roster: "no patrol tonight"), tonight only.
    assert jobs.run_tick(factory, "reminders", _jakarta("2026-12-10T17:01")) == 3
    assert _count(factory, OutboxMessage, OutboxMessage.subject == "Ronda malam ini") == 8
    assert jobs.run_tick(factory, "reminders", _jakarta("2026-12-10T18:00")) == 0
    assert jobs.run_tick(factory, "draft-next-month", _jakarta("2026-12-25T07:59")) == 0
    assert jobs.run_tick(factory, "draft-next-month", _jakarta("2026-12-25T08:01")) == 3
    assert _count(factory, Roster, Roster.month == "2027-01") == 3
    assert jobs.run_tick(factory, "draft-next-month", _jakarta("2026-12-26T08:01")) == 0
    engine.dispose()


def test_two_schedulers_together_do_each_slot_once(
    postgres_database: Database, tmp_path: Path
) -> None:
    engine, factory, _rts = _city(postgres_database.url)
    env = ronda_env(postgres_database.url)
    # Three nights are due (two of them caught up), for three RTs: nine slots; the two
    # processes race for them, and the sum of what each did proves both ran.
    at = "2026-12-08T07:30:00+07:00"
    processes = [
        subprocess.Popen(
            [RONDA, "job", "run", "close-night", "--at", at],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    done = [int(re.search(r"(\d+) slot", out).group(1)) for out, _err in outputs]
    assert sum(done) == 9, outputs
    assert _count(factory, JobRun, JobRun.job == "close-night") == 9
    assert _count(factory, NightLog, NightLog.closed_at.is_not(None)) == 9
    engine.dispose()


def test_escalation_goes_above_the_liaison_once(live_database: Database) -> None:
    from app.auth.models import Role
    from app.incidents.models import Incident
    from tests.factories import make_user

    migrate.upgrade(live_database.url)
    engine = make_engine(live_database.url)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        tree = make_tree(session, T0)
        liaison = make_user(session, T0, role=Role.liaison, area=tree["kelurahan"])
        above = make_user(session, T0, role=Role.liaison, area=tree["kecamatan"])
        session.add(
            Incident(
                rt_id=tree["rt1"].id,
                category="pencurian",
                severity="tinggi",
                occurred_at=T0,
                local_date=T0.date(),
                description="belum ditanggapi",
                privacy="named",
                created_at=T0,
            )
        )
        liaison_id, above_id = liaison.id, above.id
    assert jobs.run_tick(factory, "escalate", T0 + timedelta(hours=23)) == 0
    assert jobs.run_tick(factory, "escalate", T0 + timedelta(hours=25)) == 1
    assert jobs.run_tick(factory, "escalate", T0 + timedelta(hours=26)) == 0
    with factory() as session:
        told = session.scalars(
            select(OutboxMessage.recipient).where(
                OutboxMessage.subject == "Laporan belum ditanggapi"
            )
        ).all()
    assert told == [f"user:{above_id}"]
    assert f"user:{liaison_id}" not in told
    engine.dispose()


def test_weekly_summary_waits_for_closed_nights(live_database: Database) -> None:
    engine, factory, _rts = _city(live_database.url, rts=1)
    # Monday 7 December, 08:05: last week (30 Nov - 6 Dec) has nights still open.
    monday = _jakarta("2026-12-07T08:05")
    assert jobs.run_tick(factory, "weekly-summary", monday) == 0
    assert jobs.run_tick(factory, "close-night", _jakarta("2026-12-07T07:05")) >= 3
    for day in range(1, 5):  # the older nights of the week, closed by hand
        jobs.run_tick(factory, "close-night", _jakarta(f"2026-12-0{day + 1}T07:05"))
    assert jobs.run_tick(factory, "weekly-summary", monday) == 1
    assert jobs.run_tick(factory, "weekly-summary", monday) == 0
    with factory() as session:
        slots = session.scalars(select(JobRun.slot).where(JobRun.job == "weekly-summary")).all()
    assert slots == ["2026-W49"]
    engine.dispose()


def test_a_reminder_at_17_in_the_members_language(live_database: Database) -> None:
    from app.auth.models import Role, User
    from app.households.models import Member
    from tests.factories import make_user

    engine, factory, _rts = _city(live_database.url, rts=1)
    with factory.begin() as session:
        rt_id = _rts[0]
        night_turn = session.scalars(
            select(Assignment).where(Assignment.night_date == date(2026, 12, 10))
        ).first()
        from app.areas.models import Area

        user = make_user(
            session, T0, role=Role.member, area=session.get(Area, rt_id), language="en"
        )
        member = session.scalars(
            select(Member).where(Member.household_id == night_turn.household_id)
        ).first()
        member.user_id = user.id
        user_id = user.id
    jobs.run_tick(factory, "reminders", _jakarta("2026-12-10T17:00"))
    with factory() as session:
        message = session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == f"user:{user_id}")
        ).one()
        assert session.get(User, user_id).language == "en"
    assert message.subject == "Patrol tonight"
    assert message.body == "Your household is on patrol tonight (2026-12-10), from 22:00."
    assert message.next_attempt_at == _jakarta("2026-12-10T17:00")
    engine.dispose()
