"""The command line on a database of its own: demo data, areas, users and grants."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app import migrate
from app.areas.models import Area, AreaKind
from app.auth.models import Grant, User
from app.cli import cli
from app.config import get_settings
from app.db import make_engine

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("RONDA_DATABASE_URL", url)
    monkeypatch.setenv("RONDA_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("RONDA_ARGON2_MEMORY_COST_KIB", "1024")
    get_settings.cache_clear()
    migrate.upgrade(url)
    yield url
    get_settings.cache_clear()


def _count(url: str, model: type) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        value = connection.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return int(value or 0)


def test_demo_loads_once(cli_db: str) -> None:
    first = runner.invoke(cli, ["demo", "load", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "logins_created: 5" in first.output
    assert "households_created: " in first.output
    assert "rosters_created: 44" in first.output
    engine = make_engine(cli_db)
    with engine.connect() as connection:
        rts = connection.scalar(
            select(func.count()).select_from(Area).where(Area.kind == AreaKind.rt)
        )
        roles = set(connection.scalars(select(Grant.role)))
    engine.dispose()
    assert rts == 11
    assert {r.value for r in roles} == {"admin", "rw_head", "rt_head", "member", "liaison"}
    second = runner.invoke(cli, ["demo", "load", "--if-empty"])
    assert "not loaded" in second.output
    assert _count(cli_db, User) == 5


def test_areas_import_is_idempotent_and_names_bad_input(cli_db: str, tmp_path: Path) -> None:
    tree = tmp_path / "tree.yaml"
    tree.write_text(
        "- kind: kota\n  name: Kota Solo\n  children:\n    - {kind: kecamatan, name: Laweyan}\n",
        encoding="utf-8",
    )
    assert "2 areas created" in runner.invoke(cli, ["areas", "import", str(tree)]).output
    assert "0 areas created, 2 already" in runner.invoke(cli, ["areas", "import", str(tree)]).output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- kind: kota\n  name: K\n  team_size: nol\n", encoding="utf-8")
    result = runner.invoke(cli, ["areas", "import", str(bad)])
    assert result.exit_code == 2
    assert "team_size" in result.output
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("- {kind: rt, name: RT 01}\n", encoding="utf-8")
    result = runner.invoke(cli, ["areas", "import", str(wrong)])
    assert result.exit_code == 2
    assert "A rt must sit under a rw" in result.output
    assert _count(cli_db, Area) == 2


def test_user_create_and_grant(cli_db: str) -> None:
    made = runner.invoke(cli, ["user", "create", "Pak.Lurah", "--name", "Pak Lurah", "--link"])
    assert made.exit_code == 0, made.output
    assert "sign-in link: /masuk/" in made.output
    assert runner.invoke(cli, ["grant", "pak.lurah", "admin"]).exit_code == 0
    again = runner.invoke(cli, ["grant", "pak.lurah", "admin"])
    assert again.exit_code == 2
    assert "already has this role" in again.output
    bad_role = runner.invoke(cli, ["grant", "pak.lurah", "lurah"])
    assert bad_role.exit_code == 2
    assert "role" in bad_role.output
    taken = runner.invoke(cli, ["user", "create", "pak.lurah", "--name", "X"])
    assert taken.exit_code == 2
    assert "already taken" in taken.output
