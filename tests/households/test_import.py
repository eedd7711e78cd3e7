"""CSV import: all or nothing, every problem listed, a repeat changes nothing."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.cli import cli
from app.clock import FixedClock
from app.households.models import AwayPeriod, Household, HouseholdStatus, Member
from tests.factories import bearer, make_household, make_tree, make_user

GOOD = (
    "rumah,nama_kepala_keluarga,telepon,alamat,status,alasan_bebas,"
    "nama_anggota,telepon_anggota,ikut_ronda\n"
    """A-01,Bapak Sutrisno,0812-1111-2222,Jl. Mawar 1,aktif,,Sutrisno,0812-1111-2222,ya
A-01,Bapak Sutrisno,0812-1111-2222,Jl. Mawar 1,aktif,,Andi Sutrisno,+62 813 2222 3333,ya
A-02,Ibu Warsini,,Jl. Mawar 2,dibebaskan,janda lansia,Warsini,,tidak
A-03,Bapak Hadi,628134445555,Jl. Mawar 3,,,,,
"""
)


def _setup(session: Session, clock: FixedClock):
    tree = make_tree(session, clock.now())
    head = make_user(session, clock.now(), role=Role.rt_head, area=tree["rt1"])
    headers = bearer(session, head, clock.now())
    session.commit()
    return tree["rt1"], headers


def _state(session: Session) -> tuple[int, int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Household)) or 0,
        session.scalar(select(func.count()).select_from(Member)) or 0,
        session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        session.scalar(select(func.max(Household.updated_at)).select_from(Household)) or 0,
    )


def _post(client: TestClient, rt_id: int, body: bytes | str, headers: dict, **params):
    data = body.encode() if isinstance(body, str) else body
    return client.post(
        f"/api/v1/areas/{rt_id}/households/import",
        content=data,
        params=params,
        headers={**headers, "Content-Type": "text/csv"},
    )


def test_import_then_reimport_changes_nothing(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, headers = _setup(session, clock)
    first = _post(client, rt.id, GOOD, headers)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "households_created": 3,
        "households_updated": 0,
        "households_unchanged": 0,
        "members_created": 3,
        "members_updated": 0,
    }
    a01 = session.scalars(select(Household).where(Household.house_code == "A-01")).one()
    assert a01.phone == "+6281211112222"
    a02 = session.scalars(select(Household).where(Household.house_code == "A-02")).one()
    assert (a02.status, a02.exempt_reason) == (HouseholdStatus.exempt, "janda lansia")
    warsini = session.scalars(select(Member).where(Member.name == "Warsini")).one()
    assert warsini.may_patrol is False
    before = _state(session)
    clock.set(clock.now().replace(hour=9))
    second = _post(client, rt.id, GOOD, headers)
    assert second.json() == {
        "households_created": 0,
        "households_updated": 0,
        "households_unchanged": 3,
        "members_created": 0,
        "members_updated": 0,
    }
    assert _state(session) == before


def test_a_bad_file_lists_every_problem_and_changes_nothing(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, headers = _setup(session, clock)
    make_household(session, rt, clock.now(), house_code="A-01")
    session.commit()
    before = _state(session)
    bad = (
        "house,head_name,phone,joined_date,member_name\n"
        "A-01,Pak Satu,0812-1111-2222,2026-01-15,Satu\n"
        "A-01,Pak Dua,0812-1111-2222,2026-01-15,Dua\n"
        "A-04,Pak Empat,12345,2026-02-30,Empat\n"
        "A-05,,0813-5555-6666,2026-01-01,Lima\n"
        "A-06,Pak Enam,0813-5555-7777,2026-01-01,Enam\n"
        "A-06,Pak Enam,0813-5555-7777,2026-01-01,Enam\n"
    )
    response = _post(client, rt.id, bad, {**headers, "Accept-Language": "en"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "csv_invalid"
    assert error["message"] == "The file has 5 problem(s); nothing was imported."
    assert [(d["line"], d["column"], d["reason"]) for d in error["details"]] == [
        (3, "house_code", "House A-01 appears again with other details (first on line 2)."),
        (4, "phone", "12345 is not a valid Indonesian phone number."),
        (4, "joined_date", "2026-02-30 is not a date (YYYY-MM-DD or DD/MM/YYYY)."),
        (5, "head_name", "Required."),
        (7, "member_name", "Member Enam appears twice for house A-06."),
    ]
    assert _state(session) == before
    indonesian = _post(client, rt.id, bad, headers).json()["error"]
    assert indonesian["message"] == "Berkas berisi 5 masalah; tidak ada yang diimpor."


def test_wrong_headers_are_named(client: TestClient, session: Session, clock: FixedClock) -> None:
    rt, headers = _setup(session, clock)
    response = _post(client, rt.id, "rumah,nama,hp\nA-1,X,0812\n", headers)
    details = response.json()["error"]["details"]
    assert [(d["line"], d["column"]) for d in details] == [(1, "nama"), (1, "head_name")]
    assert details[0]["reason"] == "Kolom nama tidak dikenal."


def test_a_ten_megabyte_file_is_refused_unread(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, headers = _setup(session, clock)
    row = "A-{n},Bapak Nama Panjang Sekali,0812-1111-2222,Jl. Mawar Raya Nomor Sekian\n"
    big = "house,head_name,phone,address\n" + "".join(row.format(n=i) for i in range(160_000))
    assert len(big) > 10_000_000
    response = _post(client, rt.id, big, headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "csv_too_large"
    assert _state(session)[0] == 0


def test_semicolons_bom_and_dry_run(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    rt, headers = _setup(session, clock)
    body = "\ufeffRumah;Nama Kepala Keluarga;Telepon\nB-1;Ibu Ani;0856 7777 8888\n".encode()
    dry = _post(client, rt.id, body, headers, dry_run="true")
    assert dry.json()["households_created"] == 1
    assert _state(session)[0] == 0
    real = _post(client, rt.id, body, headers)
    assert real.json()["households_created"] == 1
    assert session.scalars(select(Household.phone)).one() == "+6285677778888"


def test_export_round_trips(client: TestClient, session: Session, clock: FixedClock) -> None:
    rt, headers = _setup(session, clock)
    _post(client, rt.id, GOOD, headers)
    exported = client.get(f"/api/v1/areas/{rt.id}/households/export", headers=headers)
    assert exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.splitlines()
    assert lines[0].startswith("rumah,nama_kepala_keluarga,telepon")
    assert "A-02,Ibu Warsini,,Jl. Mawar 2,dibebaskan,janda lansia" in exported.text
    english = client.get(
        f"/api/v1/areas/{rt.id}/households/export", params={"headers": "en"}, headers=headers
    )
    assert english.text.startswith("house,head_name,phone")
    again = _post(client, rt.id, english.text, headers).json()
    assert again["households_created"] == again["households_updated"] == 0
    assert again["members_created"] == again["members_updated"] == 0


def test_cli_import_is_the_same_import(tmp_path: Path, monkeypatch) -> None:
    from app import migrate
    from app.config import get_settings
    from app.db import make_engine, make_sessionmaker
    from tests.conftest import T0

    url = f"sqlite:///{tmp_path / 'import.db'}"
    monkeypatch.setenv("RONDA_DATABASE_URL", url)
    get_settings.cache_clear()
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine).begin() as session:
        rt_id = make_tree(session, T0)["rt1"].id
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("house,head_name,phone\nA-1,X,999\n", encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(cli, ["import", "households", str(bad), "--rt", str(rt_id)])
    assert refused.exit_code == 2
    assert "line 2, phone: 999 is not a valid Indonesian phone number." in refused.output
    done = runner.invoke(cli, ["import", "households", str(good), "--rt", str(rt_id)])
    assert done.exit_code == 0, done.output
    assert "households_created: 3" in done.output
    again = runner.invoke(cli, ["import", "households", str(good), "--rt", str(rt_id)])
    assert "households_unchanged: 3" in again.output
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(AwayPeriod)) == 0
        assert connection.scalar(select(func.count()).select_from(Household)) == 3
    engine.dispose()
    get_settings.cache_clear()
