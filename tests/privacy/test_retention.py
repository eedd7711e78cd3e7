"""Retention: the dry run changes nothing and counts what the purge then does; what stays
is what the summaries and the fairness board need; the tick does each day once."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.clock import FixedClock
from app.config import Settings
from app.households.models import Household, HouseholdStatus
from app.incidents.models import Incident, IncidentEvent, IncidentPhoto, IncidentStatus
from app.jobs import service as jobs
from app.jobs.models import JobRun
from app.notifications.models import OutboxMessage, OutboxStatus
from app.patrols.models import CheckIn
from app.privacy import retention
from app.rostering import service as rostering
from app.summaries import service as summaries
from tests.auth.test_route_walk import table_state
from tests.privacy.conftest import NEXT, Neighbourhood


def _age_everything(session: Session, hood: Neighbourhood, clock: FixedClock) -> None:
    """Close the reports long ago, move the neighbour out long ago, send old messages."""
    long_ago = clock.now() - timedelta(days=400)
    session.execute(
        update(Incident)
        .where(Incident.rt_id == hood.rt.id)
        .values(status=IncidentStatus.resolved, closed_at=long_ago)
    )
    session.execute(
        update(Household)
        .where(Household.id == hood.neighbour.id)
        .values(
            status=HouseholdStatus.moved_out,
            moved_out_date=date(2025, 10, 1),
            joined_date=date(2025, 1, 1),
        )
    )
    session.execute(update(OutboxMessage).values(status=OutboxStatus.sent, created_at=long_ago))
    session.commit()


def _everything(session: Session) -> list[Any]:
    session.expire_all()
    rows: list[Any] = []
    for model in (CheckIn, Incident, IncidentEvent, IncidentPhoto, Household, OutboxMessage):
        for obj in session.scalars(select(model).order_by(model.id)):
            rows.append({c.key: getattr(obj, c.key) for c in model.__table__.columns})
    return rows


def test_dry_run_counts_what_the_purge_does_and_changes_nothing(
    client: TestClient,
    session: Session,
    hood: Neighbourhood,
    clock: FixedClock,
    settings: Settings,
) -> None:
    _age_everything(session, hood, clock)
    photo_files = sorted((settings.media_dir / "incidents").iterdir())
    assert photo_files
    week = date(2026, 11, 2)
    figures_before = summaries.compute(session, hood.rt, week, now=clock.now(), with_missed=False)
    board_before = rostering.fairness_board(session, hood.rt, NEXT)
    state, rows = table_state(session), _everything(session)

    planned = retention.purge(session, None, clock.now(), settings, dry_run=True)
    session.commit()
    assert table_state(session) == state
    assert _everything(session) == rows
    assert sorted((settings.media_dir / "incidents").iterdir()) == photo_files
    assert planned.checkin_locations == 1
    assert planned.photos == 1
    assert planned.report_texts == 3
    assert planned.households == 1
    assert planned.messages >= 2
    assert planned.idempotency_records == 0  # filed today: still young

    done = retention.purge(session, None, clock.now(), settings)
    session.commit()
    assert done == planned
    # Files go once the rows that named them are committed away.
    assert not any((settings.media_dir / "incidents").iterdir())
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(IncidentPhoto)) == 0
    check_in = session.scalars(select(CheckIn)).one()
    assert (check_in.latitude, check_in.longitude, check_in.accuracy_m) == (None, None, None)
    assert check_in.checked_in_at is not None
    for incident in session.scalars(select(Incident)):
        assert incident.description == ""
        assert incident.place is None
        assert incident.reporter_user_id is None
        assert incident.redacted_at == clock.now()
    assert hood.anonymous_description not in str(_everything(session))
    neighbour = session.get_one(Household, hood.neighbour.id)
    assert neighbour.erased_at is not None
    assert neighbour.head_name == f"KK #{neighbour.id}"
    # What the weekly figures and the fairness board need is all still there.
    figures_after = summaries.compute(session, hood.rt, week, now=clock.now(), with_missed=False)
    assert figures_after == figures_before
    board_after = rostering.fairness_board(session, hood.rt, NEXT)
    assert [(r.household_id, r.served, r.missed, r.carried) for r in board_after] == [
        (r.household_id, r.served, r.missed, r.carried) for r in board_before
    ]
    # Nothing is left to do a second time.
    assert retention.purge(session, None, clock.now(), settings, dry_run=True).total() == 0


def test_zero_days_keeps_forever(
    client: TestClient, session: Session, hood: Neighbourhood, clock: FixedClock, tmp_path: Path
) -> None:
    _age_everything(session, hood, clock)
    keep = Settings(
        media_dir=tmp_path,
        retention_checkin_location_days=0,
        retention_photo_days=0,
        retention_report_text_days=0,
        retention_moved_out_days=0,
        retention_outbox_days=0,
        retention_idempotency_days=0,
    )
    assert retention.purge(session, None, clock.now() + timedelta(days=9999), keep).total() == 0


def test_the_purge_tick_does_each_top_area_once_a_day(
    client: TestClient,
    session: Session,
    connection: Connection,
    hood: Neighbourhood,
    clock: FixedClock,
    monkeypatch: Any,
    settings: Settings,
) -> None:
    _age_everything(session, hood, clock)
    monkeypatch.setattr("app.config.get_settings", lambda: settings)
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    # 01:30 in Jakarta: not yet; 02:30: the kota's slot of the day, once.
    early = clock.now().replace(hour=18, minute=30) - timedelta(days=1)
    assert jobs.run_tick(factory, "purge", early) == 0
    at = clock.now().replace(hour=19, minute=30) - timedelta(days=1)
    assert jobs.run_tick(factory, "purge", at) == 1
    assert jobs.run_tick(factory, "purge", at + timedelta(hours=3)) == 0
    session.expire_all()
    run = session.scalars(select(JobRun).where(JobRun.job == "purge")).one()
    assert run.slot == "2026-11-30"
    assert "report_texts 3" in (run.detail or "")
    assert session.get_one(Household, hood.neighbour.id).erased_at is not None
