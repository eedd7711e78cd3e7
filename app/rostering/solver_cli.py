"""``ronda roster ...``: the fairness solver from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.rostering.solver import ProblemError, parse_problem, solve

roster_app = typer.Typer(
    help="Solve roster problems (roster-problem.md) without a database.", no_args_is_help=True
)


@roster_app.callback()
def roster() -> None:
    """Roster problems, one RT and one month each."""


@roster_app.command("solve")
def solve_command(
    problem_file: Annotated[Path, typer.Argument(help="Problem JSON (roster-problem.md).")],
    time_budget: Annotated[
        float,
        typer.Option(
            "--time-budget",
            help="Seconds of counted work the search may take (about as many on the wall); "
            "the answer does not depend on the machine.",
        ),
    ] = 0.2,
) -> None:
    """Print the optimal roster of PROBLEM_FILE as solution JSON, with bounds."""
    try:
        text = problem_file.read_text(encoding="utf-8")
    except OSError as exc:
        typer.echo(f"error: {problem_file}: cannot read: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        typer.echo(f"error: {problem_file}: not valid JSON: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        problem = parse_problem(data)
    except ProblemError as exc:
        typer.echo(f"error: {exc.field}: {exc.message}", err=True)
        raise typer.Exit(2) from None
    solution = solve(problem, time_budget_s=time_budget)
    typer.echo(json.dumps(solution.to_json(), indent=1))
