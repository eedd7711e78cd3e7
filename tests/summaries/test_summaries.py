"""Weekly summaries checked against an independent count of the data set's own records."""

import random
import statistics
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import AreaKind
from app.auth.models import Role
from app.clock import FixedClock
from app.incidents.models import Incident
from app.patrols.models import CheckIn, CheckInKind, EntryKind, LogEntry, NightLog
from app.rostering import service as rostering
from app.rostering.models import Assignment, AssignmentStatus, RosterNight
from tests.factories import bearer, make_area, make_household, make_tree, make_user

WEEK = "2026-W47"
MONDAY = date(2026, 11, 16)
STATUSES = ["present"] * 6 + ["absent", "excused", "covered"]


def _world(session: Session, clock: FixedClock):
    rng = random.Random(47)
    now = clock.now()
    tree = make_tree(session, now)
    rts = [tree["rt1"], tree["rt2"], tree["rt3"]]
    for rt in rts:
        for _ in range(14):
            make_household(session, rt, now, members=1, joined_date=date(2025, 1, 1))
        roster = rostering.generate_draft(session, rt, "2026-11", actor_id=None, now=now)
        rostering.publish(session, roster, actor_id=None, now=now)
    nights = session.scalars(select(RosterNight)).all()
    for night in nights:
        rt_id = rostering.get_roster(session, night.roster_id).rt_id
        log = NightLog(night_id=night.id, rt_id=rt_id, night_date=night.night_date, opened_at=now)
        log.closed_at = now
        session.add(log)
        session.flush()
        turns = session.scalars(select(Assignment).where(Assignment.night_id == night.id)).all()
        for turn in turns:
            turn.status = AssignmentStatus(rng.choice(STATUSES))
            if turn.status in (AssignmentStatus.present, AssignmentStatus.covered):
                session.add(
                    CheckIn(
                        night_id=night.id,
                        rt_id=rt_id,
                        night_date=night.night_date,
                        kind=CheckInKind.rostered,
                        assignment_id=turn.id,
                        checked_in_at=now,
                        created_at=now,
                    )
                )
        if rng.random() < 0.8:
            session.add(
                LogEntry(
                    log_id=log.id,
                    kind=EntryKind.jimpitan,
                    amount_rupiah=rng.randrange(1000, 20000, 500),
                    at=now,
                )
            )
    for i in range(25):
        rt = rng.choice(rts)
        day = MONDAY + timedelta(days=rng.randrange(-10, 10))
        acked = rng.random() < 0.7
        session.add(
            Incident(
                rt_id=rt.id,
                category=rng.choice(["pencurian", "mencurigakan", "keributan"]),
                severity=rng.choice(["rendah", "sedang", "tinggi"]),
                occurred_at=now,
                local_date=day,
                description=f"kejadian {i}",
                privacy="named",
                status="acknowledged" if acked else "reported",
                created_at=now - timedelta(days=rng.randrange(0, 9)),
                ack_seconds=rng.randrange(60, 20000) if acked else None,
            )
        )
    session.flush()
    return tree, rts


def _independent(session: Session, rts, start: date) -> dict:
    """Plain Python over the records: the figures the summary must agree with."""
    days = {start + timedelta(days=d) for d in range(7)}
    out = {}
    for rt in rts:
        nights = [
            n
            for n in session.scalars(select(RosterNight))
            if rostering.get_roster(session, n.roster_id).rt_id == rt.id
            and n.night_date in days
            and n.team_size > 0
        ]
        turns = [
            a
            for a in session.scalars(select(Assignment))
            if a.rt_id == rt.id and a.night_date in days
        ]
        checks = [
            c for c in session.scalars(select(CheckIn)) if c.rt_id == rt.id and c.night_date in days
        ]
        logs = {
            log.id
            for log in session.scalars(select(NightLog))
            if log.rt_id == rt.id and log.night_date in days
        }
        jimpitan = sum(
            e.amount_rupiah or 0 for e in session.scalars(select(LogEntry)) if e.log_id in logs
        )
        reports = [
            i
            for i in session.scalars(select(Incident))
            if i.rt_id == rt.id and i.local_date in days
        ]
        acks = sorted(i.ack_seconds for i in reports if i.ack_seconds is not None)
        served = sum(1 for a in turns if a.status in ("present", "covered"))
        excused = sum(1 for a in turns if a.status == "excused")
        out[rt.id] = {
            "nights_scheduled": len(nights),
            "nights_patrolled": len({c.night_id for c in checks}),
            "turns": len(turns),
            "served": served,
            "no_shows": sum(1 for a in turns if a.status == "absent"),
            "excused": excused,
            "attendance_rate": round(served / (len(turns) - excused), 4),
            "jimpitan_rupiah": jimpitan,
            "reports": len(reports),
            "ack_median_minutes": round(statistics.median(acks) / 60, 1) if acks else None,
            "ack_worst_minutes": round(max(acks) / 60, 1) if acks else None,
        }
    return out


def test_figures_match_an_independent_count(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree, rts = _world(session, clock)
    liaison = make_user(session, clock.now(), role=Role.liaison, area=tree["kelurahan"])
    headers = bearer(session, liaison, clock.now())
    session.commit()
    summary = client.get(f"/api/v1/areas/{tree['kelurahan'].id}/summaries/{WEEK}", headers=headers)
    assert summary.status_code == 200, summary.text
    data = summary.json()
    expected = _independent(session, rts, MONDAY)
    got = {r["rt_id"]: r for r in data["rts"]}
    for rt_id, figures in expected.items():
        for key, value in figures.items():
            assert got[rt_id][key] == value, (rt_id, key)
        assert "missed_households" not in got[rt_id]  # a liaison sees counts only
    assert data["totals"]["turns"] == sum(f["turns"] for f in expected.values())
    assert data["totals"]["jimpitan_rupiah"] == sum(f["jimpitan_rupiah"] for f in expected.values())
    all_acks = sorted(
        i.ack_seconds
        for i in session.scalars(select(Incident))
        if i.ack_seconds is not None and MONDAY <= i.local_date < MONDAY + timedelta(days=7)
    )
    assert data["totals"]["ack_median_minutes"] == round(statistics.median(all_acks) / 60, 1)
    assert [w["week_start"] for w in data["trend"]["weeks"]] == [
        (MONDAY - timedelta(weeks=k)).isoformat() for k in range(4, -1, -1)
    ]
    assert data["trend"]["weeks"][-1]["attendance_rate"] == data["totals"]["attendance_rate"]


def test_who_sees_what_and_the_formats(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    tree, rts = _world(session, clock)
    head = make_user(session, clock.now(), role=Role.rt_head, area=rts[0])
    member = make_user(session, clock.now(), role=Role.member, area=rts[0])
    other_kelurahan = make_area(session, AreaKind.kelurahan, tree["kecamatan"], clock.now())
    stranger = make_user(session, clock.now(), role=Role.liaison, area=other_kelurahan)
    headers = {
        u: bearer(session, user, clock.now())
        for u, user in (("head", head), ("member", member), ("stranger", stranger))
    }
    session.commit()
    own = client.get(f"/api/v1/areas/{rts[0].id}/summaries/{WEEK}", headers=headers["head"]).json()
    missed = own["rts"][0]["missed_households"]
    assert sum(m["missed"] for m in missed) == own["rts"][0]["no_shows"]
    assert (
        client.get(
            f"/api/v1/areas/{tree['kelurahan'].id}/summaries/{WEEK}", headers=headers["head"]
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/areas/{rts[0].id}/summaries/{WEEK}", headers=headers["member"]
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/areas/{tree['kelurahan'].id}/summaries/{WEEK}", headers=headers["stranger"]
        ).status_code
        == 404
    )
    base = f"/api/v1/areas/{rts[0].id}/summaries/{WEEK}"
    csv_text = client.get(f"{base}/summary.csv", headers=headers["head"]).text
    assert csv_text.splitlines()[0].startswith("RT,Malam dijadwalkan,Malam dironda,Kehadiran")
    assert len(csv_text.splitlines()) == 3
    page = client.get(f"{base}/print", headers=headers["head"]).text
    assert page.count("<svg") == 3
    assert "<script" not in page
    wa = client.get(f"{base}/whatsapp", headers=headers["head"]).json()["text"]
    assert wa.startswith("*Ringkasan keamanan")
    assert (
        client.get(
            f"/api/v1/areas/{rts[0].id}/summaries/2026-13", headers=headers["head"]
        ).status_code
        == 422
    )


def test_snapshots_wait_for_closed_nights_and_rebuild_is_explicit(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    from app.audit.models import AuditEntry
    from app.summaries import service as summaries

    tree, _rts = _world(session, clock)
    admin = make_user(session, clock.now(), role=Role.admin, area=tree["kota"])
    headers = bearer(session, admin, clock.now())
    log = session.scalars(select(NightLog).where(NightLog.night_date == MONDAY)).first()
    log.closed_at = None
    session.commit()
    url = f"/api/v1/areas/{tree['kelurahan'].id}/summaries/{WEEK}"
    waiting = client.post(f"{url}/rebuild", headers=headers)
    assert waiting.json()["error"]["code"] == "week_not_closed"
    log.closed_at = clock.now()
    session.commit()
    built = client.post(f"{url}/rebuild", headers=headers).json()
    assert built["stored"] is True
    with pytest.raises(summaries.AlreadyBuilt):
        summaries.build(session, tree["kelurahan"], MONDAY, now=clock.now())
    again = client.post(f"{url}/rebuild", headers=headers).json()
    assert again["stored"] is True
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "weekly_summary")
    ).all()
    assert actions == ["summary.build", "summary.rebuild"]
    read = client.get(url, headers=headers).json()
    assert read["stored"] is True
