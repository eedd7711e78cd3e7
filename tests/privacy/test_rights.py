"""A household's rights over HTTP: its export holds all of it and nothing of the neighbours;
correction; erasure that keeps the roster's arithmetic and never touches anonymity."""

import io
import json
import zipfile
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.auth.models import User
from app.clock import FixedClock
from app.households.models import Household, Member
from app.incidents.models import Incident
from app.models import Base
from app.rostering import service as rostering
from app.rostering.models import Assignment, Roster
from tests.privacy.conftest import NEXT, Neighbourhood

# Every column that points at a household or a person, and the export section that must
# hold each row it points from. A new table with such a column fails here until the
# export covers it (or the column is listed as recording who acted on someone else).
SECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("household", "id"): ("household", "id"),
    ("member", "household_id"): ("members", "id"),
    ("member", "user_id"): ("members", "id"),
    ("away_period", "household_id"): ("away_periods", "id"),
    ("house_watch", "household_id"): ("house_watches", "id"),
    ("assignment", "household_id"): ("turns", "id"),
    ("assignment", "stand_in_household_id"): ("stand_ins_given", "assignment_id"),
    ("swap_offer", "household_id"): ("swap_offers", "id"),
    ("swap_offer", "taker_household_id"): ("swap_offers_taken", "id"),
    ("fine", "household_id"): ("fines", "id"),
    ("calendar_feed", "household_id"): ("calendar_feeds", "id"),
    ("user_account", "id"): ("people", "id"),
    ("grant", "user_id"): ("people.grants", "id"),
    ("access_token", "user_id"): ("people.sessions", "id"),
    ("sign_in_link", "user_id"): ("people.sign_in_links", "id"),
    ("check_in", "user_id"): ("check_ins", "id"),
    ("log_entry", "user_id"): ("night_log_entries", "id"),
    ("house_watch_check", "user_id"): ("house_watch_checks_done", "id"),
    ("roster_comment", "user_id"): ("roster_comments", "id"),
    ("incident", "reporter_user_id"): ("reports", "id"),
}
# Who acted (on anyone): recorded for the act, not as data about the household.
ACTED = {
    "recorded_by_id",
    "created_by_id",
    "granted_by_id",
    "closed_by_id",
    "actor_user_id",
}


def _ids(document: dict[str, Any], section: str, key: str) -> set[Any]:
    if section == "household":
        return {document["household"][key]}
    if "." in section:
        outer, inner = section.split(".")
        return {row[key] for item in document[outer] for row in item[inner]}
    return {row[key] for row in document[section]}


def _export(client: TestClient, hood: Neighbourhood, who: str = "target") -> dict[str, Any]:
    response = client.get(
        f"/api/v1/households/{hood.target.id}/personal-data", headers=hood.headers[who]
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_export_holds_every_row_about_the_household(
    client: TestClient, session: Session, hood: Neighbourhood
) -> None:
    document = _export(client, hood)
    users = [hood.target_user.id, hood.target_head.id]
    checked = 0
    for table in Base.metadata.sorted_tables:
        for column in table.c:
            targets = {fk.column.table.name for fk in column.foreign_keys}
            if table.name == "household" and column.name == "id":
                values = [hood.target.id]
            elif table.name == "user_account" and column.name == "id":
                values = users
            elif "household" in targets:
                values = [hood.target.id]
            elif "user_account" in targets:
                if column.name in ACTED:
                    continue
                values = users
            else:
                continue
            rows = session.scalars(select(table.c.id).where(column.in_(values))).all()
            if not rows:
                continue
            assert (table.name, column.name) in SECTIONS, f"{table.name}.{column.name} not exported"
            section, key = SECTIONS[(table.name, column.name)]
            assert set(rows) <= _ids(document, section, key), (table.name, column.name)
            checked += 1
    assert checked >= 15
    # The messages and the household's history are in too, and the stored summary.
    assert document["messages"]
    assert {h["action"] for h in document["history"]} >= {"household.create", "member.create"}
    assert document["weekly_summaries_missed"] == [
        {
            "summary_id": document["weekly_summaries_missed"][0]["summary_id"],
            "week_start": "2026-11-02",
            "missed": 1,
        }
    ]
    assert document["household"]["phone"] == hood.target.phone
    assert document["away_periods"][0]["note"] == "operasi lutut"
    assert document["check_ins"][0]["latitude"] == -7.05


def test_export_holds_nothing_of_the_neighbours(
    client: TestClient, session: Session, hood: Neighbourhood
) -> None:
    text = json.dumps(_export(client, hood, who="rt_head"), ensure_ascii=False)
    neighbours = [h for h in hood.houses if h.id != hood.target.id]
    for house in neighbours:
        assert house.head_name not in text
        assert house.phone not in text
        assert house.address not in text
        assert f'"{house.house_code}"' not in text
    for member in session.scalars(
        select(Member).where(Member.household_id.in_([h.id for h in neighbours]))
    ):
        assert member.name not in text
    assert "Joko Tetangga" not in text
    assert "warga.tetangga" not in text
    assert "komentar tetangga" not in text
    assert "tetangga ribut" not in text
    assert "Orang RT Lain" not in text
    # The anonymous report: not found, not hinted at.
    assert hood.anonymous_description not in text
    document = json.loads(text)
    assert hood.anonymous_incident_id not in {r["id"] for r in document["reports"]}
    assert [r["id"] for r in document["reports"]] == [hood.named_incident_id]
    assert document["swap_offers"][0]["taken_by_another_household"] is True
    assert "taker_household_id" not in document["swap_offers"][0]


def test_export_as_csv_files(client: TestClient, hood: Neighbourhood) -> None:
    response = client.get(
        f"/api/v1/households/{hood.target.id}/personal-data",
        params={"format": "csv"},
        headers=hood.headers["target"],
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"household.csv", "members.csv", "turns.csv", "reports.csv", "people.csv"} <= names
    household = archive.read("household.csv").decode("utf-8-sig")
    assert hood.target.head_name in household
    assert len(archive.read("turns.csv").decode("utf-8-sig").splitlines()) > 3


def test_who_may_export_correct_and_erase(
    client: TestClient, session: Session, hood: Neighbourhood, clock: FixedClock
) -> None:
    url = f"/api/v1/households/{hood.target.id}"
    for who, status in [
        ("target", 200),
        ("target_head", 200),
        ("rt_head", 200),
        ("neighbour", 403),  # a fellow resident: the household exists, it is not theirs
        ("liaison", 403),
        ("other_member", 404),  # another RT: as if it did not exist
    ]:
        got = client.get(f"{url}/personal-data", headers=hood.headers[who])
        assert got.status_code == status, (who, got.text)
        patched = client.patch(
            f"{url}/personal-data", json={"address": "Jl. Baru 1"}, headers=hood.headers[who]
        )
        assert patched.status_code == (204 if status == 200 else status), (who, patched.text)
        if status != 200:
            erased = client.post(
                f"{url}/erasure",
                json={"confirm_house_code": hood.target.house_code},
                headers=hood.headers[who],
            )
            assert erased.status_code == status, who
    session.expire_all()
    assert session.get_one(Household, hood.target.id).erased_at is None


def test_correction_of_own_details_is_audited(
    client: TestClient, session: Session, hood: Neighbourhood
) -> None:
    member = session.scalars(
        select(Member).where(Member.household_id == hood.target.id).order_by(Member.id)
    ).first()
    assert member is not None
    response = client.patch(
        f"/api/v1/households/{hood.target.id}/personal-data",
        json={
            "phone": "0813 1111 2222",
            "members": [{"id": member.id, "name": "Siti Rahayu"}],
        },
        headers=hood.headers["target"],
    )
    assert response.status_code == 204, response.text
    session.expire_all()
    assert session.get_one(Household, hood.target.id).phone == "+6281311112222"
    assert session.get_one(Member, member.id).name == "Siti Rahayu"
    # A resident corrects details; status and exemptions stay the RT head's.
    refused = client.patch(
        f"/api/v1/households/{hood.target.id}/personal-data",
        json={"status": "exempt"},
        headers=hood.headers["target"],
    )
    assert refused.status_code == 422
    neighbour_member = session.scalars(
        select(Member.id).where(Member.household_id == hood.neighbour.id)
    ).first()
    other = client.patch(
        f"/api/v1/households/{hood.target.id}/personal-data",
        json={"members": [{"id": neighbour_member, "name": "Diubah"}]},
        headers=hood.headers["target"],
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "member_not_in_household"


def _draft(session: Session, hood: Neighbourhood, clock: FixedClock) -> dict[str, Any]:
    """Draft next month afresh and read it back: turns per household, the solver's figures."""
    roster = rostering.generate_draft(session, hood.rt, NEXT, actor_id=None, now=clock.now())
    turns: dict[int, list[str]] = {}
    for hid, day in session.execute(
        select(Assignment.household_id, Assignment.night_date)
        .where(Assignment.roster_id == roster.id)
        .order_by(Assignment.night_date)
    ):
        turns.setdefault(hid, []).append(day.isoformat())
    board = {
        r.household_id: (r.served, r.weekend_served, r.missed, r.carried, r.scheduled, r.load)
        for r in rostering.fairness_board(session, hood.rt, NEXT)
    }
    return {"turns": turns, "figures": roster.figures, "board": board}


def test_erasure_keeps_next_months_draft_as_fair_as_before(
    client: TestClient, session: Session, hood: Neighbourhood, clock: FixedClock
) -> None:
    before = _draft(session, hood, clock)
    assert before["turns"].get(hood.target.id), "the household is on next month's draft"
    session.commit()
    erased = client.post(
        f"/api/v1/households/{hood.target.id}/erasure",
        json={"confirm_house_code": hood.target.house_code},
        headers=hood.headers["target"],
    )
    assert erased.status_code == 200, erased.text
    result = erased.json()
    assert result["people_erased"] == 2
    assert result["turns_kept"] > 0
    session.expire_all()
    after = _draft(session, hood, clock)
    # Same problem, same seed: the same draft, turn for turn, figure for figure.
    assert after == before


def test_erasure_removes_identity_everywhere_and_keeps_anonymity(
    client: TestClient, session: Session, hood: Neighbourhood
) -> None:
    target = hood.target
    names = [target.head_name, target.phone, target.address, target.house_code]
    names += list(session.scalars(select(Member.name).where(Member.household_id == target.id)))
    names += ["Siti Target", "Budi Target", "warga.target", "+6281299990001", "operasi lutut"]
    anonymous_before = session.get_one(Incident, hood.anonymous_incident_id)
    anon_row = {c.key: getattr(anonymous_before, c.key) for c in Incident.__table__.columns}
    # Sent with a retry key: the stored answer repeats the household's phone.
    stored = client.post(
        f"/api/v1/households/{target.id}/house-watch",
        json={
            "start_date": "2026-12-20",
            "end_date": "2026-12-27",
            "note": f"kunci di warung, hubungi {target.phone}",
        },
        headers=hood.headers["target"] | {"Idempotency-Key": "titip-1"},
    )
    assert stored.status_code == 201, stored.text
    wrong = client.post(
        f"/api/v1/households/{target.id}/erasure",
        json={"confirm_house_code": "salah"},
        headers=hood.headers["rt_head"],
    )
    assert wrong.status_code == 422
    response = client.post(
        f"/api/v1/households/{target.id}/erasure",
        json={"confirm_house_code": target.house_code},
        headers=hood.headers["rt_head"],
    )
    assert response.status_code == 200, response.text
    session.expire_all()
    # Not one text column of any table still holds the household's names or contacts.
    for table in Base.metadata.sorted_tables:
        for column in table.c:
            if not isinstance(column.type, String | Text | JSON):
                continue
            for value in session.scalars(select(column).where(column.is_not(None))):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for name in names:
                    assert f"{name}" not in text or (
                        # "A-001" is a prefix of nothing else; guard short codes anyway.
                        table.name == "household" and column.name == "house_code" and text != name
                    ), (table.name, column.name, name)
    # The turns stay, under the pseudonym.
    household = session.get_one(Household, target.id)
    assert household.head_name == f"KK #{target.id}"
    assert session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.household_id == target.id)
    )
    # The people who signed in as its members can no longer.
    for user_id in (hood.target_user.id, hood.target_head.id):
        user = session.get_one(User, user_id)
        assert not user.is_active
        assert user.password_hash is None
    signed_out = client.get("/api/v1/me", headers=hood.headers["target"])
    assert signed_out.status_code == 401
    # The named report lost its reporter; the anonymous one is exactly as it was.
    assert session.get_one(Incident, hood.named_incident_id).reporter_user_id is None
    anonymous_after = session.get_one(Incident, hood.anonymous_incident_id)
    assert {c.key: getattr(anonymous_after, c.key) for c in Incident.__table__.columns} == anon_row
    # The audit entry of the erasure says what, in counts; never who or which report.
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.erase")).one()
    assert set(entry.after or {}) == {"members", "people_erased", "turns_kept"}
    again = client.post(
        f"/api/v1/households/{target.id}/erasure",
        json={"confirm_house_code": household.house_code},
        headers=hood.headers["rt_head"],
    )
    assert again.status_code == 409


def test_erasure_of_a_household_that_left_keeps_the_others_figures(
    client: TestClient, session: Session, hood: Neighbourhood, clock: FixedClock
) -> None:
    board_before = {
        r.household_id: (r.served, r.weekend_served, r.missed, r.carried)
        for r in rostering.fairness_board(session, hood.rt, NEXT)
    }
    session.commit()
    response = client.post(
        f"/api/v1/households/{hood.target.id}/erasure",
        json={"confirm_house_code": hood.target.house_code, "moved_out_date": "2026-11-30"},
        headers=hood.headers["rt_head"],
    )
    assert response.status_code == 200, response.text
    session.expire_all()
    after = _draft(session, hood, clock)
    assert hood.target.id not in after["turns"]
    board_after = {hid: figures[:4] for hid, figures in after["board"].items()}
    # Every remaining household carries exactly what it carried before.
    assert board_after == {h: f for h, f in board_before.items() if h != hood.target.id}
    roster = session.scalars(select(Roster).where(Roster.month == NEXT)).one()
    assert roster.figures == after["figures"]
