"""The platform: health, errors in two languages, the OpenAPI error shape, time, settings."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.clock import FixedClock
from app.config import Settings
from app.main import create_app


def test_healthz_answers_when_the_database_does(admin_client: TestClient) -> None:
    response = admin_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    app = create_app(Settings(database_url=f"sqlite:///{missing}"))
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"


def test_not_found_is_indonesian_by_default_and_english_on_request(
    admin_client: TestClient,
) -> None:
    kota = admin_client.post("/api/v1/areas", json={"kind": "kota", "name": "Kota Uji"}).json()
    url = f"/api/v1/areas/{kota['id']}/move"
    indonesian = admin_client.post(url, json={"parent_id": 999999})
    english = admin_client.post(
        url, json={"parent_id": 999999}, headers={"Accept-Language": "en-GB,en;q=0.9"}
    )
    assert indonesian.status_code == english.status_code == 404
    assert indonesian.json()["error"] == {
        "code": "area_not_found",
        "message": "Wilayah 999999 tidak ada.",
        "field": "area_id",
    }
    assert english.json()["error"]["message"] == "Area 999999 does not exist."
    # A route's own object that does not exist answers like one in another RT.
    missing = admin_client.get("/api/v1/areas/999999", headers={"Accept-Language": "en"})
    assert missing.json()["error"] == {
        "code": "not_found",
        "message": "Not found.",
        "field": "area_id",
    }


def test_validation_error_names_the_field_in_both_languages(admin_client: TestClient) -> None:
    body = {"kind": "kota", "name": "Kota Uji", "team_size": "empat"}
    indonesian = admin_client.post("/api/v1/areas", json=body)
    english = admin_client.post("/api/v1/areas", json=body, headers={"Accept-Language": "en"})
    assert indonesian.status_code == english.status_code == 422
    assert indonesian.json()["error"]["field"] == "team_size"
    assert indonesian.json()["error"]["message"] == "team_size harus bilangan bulat."
    assert english.json()["error"]["message"] == "team_size must be a whole number."


def test_missing_field_and_bad_json_are_named(admin_client: TestClient) -> None:
    missing = admin_client.post("/api/v1/areas", json={"kind": "kota"})
    assert missing.json()["error"] == {
        "code": "validation_error",
        "message": "name wajib diisi.",
        "field": "name",
    }
    broken = admin_client.post(
        "/api/v1/areas", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["error"]["code"] == "validation_error"


def test_unknown_route_and_method_use_the_error_shape(admin_client: TestClient) -> None:
    assert admin_client.get("/api/v1/nothing-here").json()["error"]["code"] == "not_found"
    response = admin_client.delete("/api/v1/areas")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_every_4xx_in_the_openapi_schema_is_the_error_shape(admin_client: TestClient) -> None:
    schema = admin_client.get("/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations
    for path, method, op in operations:
        if not path.startswith("/api/"):
            continue
        for status in ("401", "403", "404", "409", "422"):
            content = op["responses"][status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/ErrorResponse"}, (path, method)


def test_timestamps_come_back_aware_in_utc(session: Session, clock: FixedClock) -> None:
    jakarta = timezone(timedelta(hours=7))
    at = datetime(2026, 12, 1, 22, 30, tzinfo=jakarta)
    entry = AuditEntry(action="t", object_type="t", object_id="1", at=at)
    session.add(entry)
    session.flush()
    session.expire_all()
    stored = session.scalars(select(AuditEntry).where(AuditEntry.action == "t")).one()
    assert stored.at.tzinfo is not None
    assert stored.at == at
    assert stored.at.utcoffset() == timedelta(0)
    assert stored.at == datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


def test_a_naive_timestamp_is_refused(session: Session) -> None:
    session.add(AuditEntry(action="t", object_type="t", object_id="1", at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="RONDA_SECRET_KEY"):
        Settings(environment="production")
    Settings(environment="production", secret_key="x" * 40)


def test_settings_read_the_ronda_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RONDA_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("RONDA_PORT", "9000")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.port == 9000
    assert not settings.is_sqlite


def test_the_schema_matches_the_models(engine: Engine) -> None:
    """``alembic check``: the migrations build exactly what the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
