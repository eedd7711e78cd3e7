"""The leak test: after an anonymous and a confidential report, nothing Ronda keeps or shows
ties the anonymous one to its reporter, and the confidential reporter shows only to the liaison.
"""

import hashlib
import io
import logging

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import AccessToken
from app.models import Base

from .conftest import People

USER_COLUMNS = {
    "user_id",
    "actor_id",
    "reporter_user_id",
    "created_by_id",
    "recorded_by_id",
    "granted_by_id",
    "actor_user_id",
    "closed_by_id",
}


def dump(session: Session) -> dict[str, set[tuple[tuple[str, str], ...]]]:
    """Every row of every table, as (column, value) pairs."""
    session.expire_all()
    tables = {}
    for table in Base.metadata.sorted_tables:
        rows = session.execute(select(table)).mappings().all()
        # JSON columns hold dicts and lists: compare rows by their text.
        tables[table.name] = {tuple(sorted((k, repr(v)) for k, v in row.items())) for row in rows}
    return tables


def test_nothing_ties_an_anonymous_report_to_its_reporter(
    client: TestClient, session: Session, people: People, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    reporter = people.users["reporter"]
    secret = people.secrets["reporter"]
    marks = [
        reporter.username,
        reporter.full_name,
        reporter.phone,
        secret,
        hashlib.sha256(secret.encode()).hexdigest(),
    ]
    token_before = session.scalars(
        select(AccessToken.last_used_at).where(AccessToken.user_id == reporter.id)
    ).one()
    before = dump(session)

    url = f"/api/v1/areas/{people.rt.id}/incidents"
    body = {"category": "pencurian", "severity": "tinggi", "description": "Motor hilang di gang 3"}
    anonymous = client.post(
        url,
        json=body | {"privacy": "anonymous"},
        headers=people.headers["reporter"] | {"Idempotency-Key": "anon-1"},
    ).json()
    receipt = anonymous["receipt"]
    anonymous_id = anonymous["incident"]["id"]
    photo = io.BytesIO()
    Image.new("RGB", (8, 8)).save(photo, format="PNG")
    added = client.post(
        f"/api/v1/incidents/{anonymous_id}/photos",
        content=photo.getvalue(),
        headers=people.headers["reporter"]
        | {"X-Ronda-Receipt": receipt, "Content-Type": "image/png"},
    )
    assert added.status_code == 201, added.text
    confidential_id = client.post(
        url, json=body | {"privacy": "confidential"}, headers=people.headers["reporter"]
    ).json()["incident"]["id"]
    client.post(
        f"/api/v1/incidents/{anonymous_id}/status",
        json={"status": "acknowledged", "note": "Kami cek."},
        headers=people.headers["liaison"],
    )

    # 1. What was written: no new or changed row ties the anonymous report to the reporter.
    after = dump(session)
    for table, rows in after.items():
        for row in rows - before[table]:
            values = dict(row)
            confidential_row = (
                (table == "incident" and values.get("id") == repr(confidential_id))
                or (
                    table == "incident_event" and values.get("incident_id") == repr(confidential_id)
                )
                or (
                    table == "audit_entry"
                    and values.get("object_type") == repr("incident")
                    and values.get("object_id") == repr(str(confidential_id))
                )
            )
            text = repr(values)
            for mark in marks:
                assert str(mark) not in text, (table, values)
            if not confidential_row:
                for column in USER_COLUMNS & set(values):
                    assert values[column] != repr(reporter.id), (table, values)
    # The session was not touched by the anonymous filing.
    session.expire_all()
    assert (
        session.scalars(
            select(AccessToken.last_used_at).where(AccessToken.user_id == reporter.id)
        ).one()
        == token_before
    )

    # 2. What every other role can read about the reports.
    for role, headers in people.headers.items():
        if role == "reporter":
            continue
        texts = [
            client.get(f"/api/v1/incidents/{anonymous_id}", headers=headers).text,
            client.get(f"/api/v1/areas/{people.rt.id}/incidents", headers=headers).text,
            client.get(f"/api/v1/incidents/{confidential_id}", headers=headers).text,
        ]
        anonymous_view = texts[0]
        for mark in marks:
            assert str(mark) not in anonymous_view, role
        shows_confidential = reporter.full_name in texts[2]
        assert shows_confidential is (role == "liaison"), role
        if role != "liaison":
            assert reporter.full_name not in texts[1], role
    receipt_view = client.post("/api/v1/incidents/receipt", json={"receipt": receipt}).text
    for mark in marks:
        assert str(mark) not in receipt_view

    # 3. What was logged while all this happened.
    logged = caplog.text
    for mark in marks:
        assert str(mark) not in logged
