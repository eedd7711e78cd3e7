import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from app.rostering.solver_cli import roster_app

PROBLEM = {
    "month": "2026-12",
    "team_size": 2,
    "team_size_by_weekday": {"sat": 3},
    "team_size_by_date": {"2026-12-25": 0},
    "min_gap_days": 3,
    "households": [
        {"id": f"RT03-{i:03d}", "prior_shifts": i % 4, "prior_weekend_shifts": i % 2}
        for i in range(12)
    ],
    "seed": 7,
}


def test_solve_prints_the_solution_json(tmp_path: Path) -> None:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(PROBLEM))
    result = CliRunner().invoke(roster_app, ["solve", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["nights"]) == 31
    assert data["nights"][24] == {"date": "2026-12-25", "households": []}
    assert data["metrics"]["violations"] == 0
    assert set(data["bounds"]) == {"unfilled", "spread", "weekend_spread"}
    assert isinstance(data["proved_optimal"], bool)


def test_invalid_field_exits_2_naming_it(tmp_path: Path) -> None:
    bad = dict(PROBLEM, households=[{"id": "A", "prior_shifts": 1, "prior_weekend_shifts": 2}])
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(bad))
    result = CliRunner().invoke(roster_app, ["solve", str(path)])
    assert result.exit_code == 2
    assert "error: households[0].prior_weekend_shifts:" in result.stderr
    assert result.stdout == ""


def test_bad_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "problem.json"
    path.write_text("{not json")
    result = CliRunner().invoke(roster_app, ["solve", str(path)])
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(roster_app, ["solve", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_solve_through_the_ronda_command_loads_neither_the_database_nor_settings(
    tmp_path: Path,
) -> None:
    """`ronda roster solve` is a quick tool: it starts without SQLAlchemy, PyYAML or
    pydantic-settings (together over half of its start-up before they were deferred)."""
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(PROBLEM))
    script = (
        "import sys\n"
        f"sys.argv = ['ronda', 'roster', 'solve', {str(path)!r}]\n"
        "from app.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "heavy = ('sqlalchemy', 'yaml', 'pydantic_settings', 'app.config')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    assert json.loads(run.stdout)["metrics"]["violations"] == 0
    assert run.stderr.strip().splitlines()[-1] == "[]"
