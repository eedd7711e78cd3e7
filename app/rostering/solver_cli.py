"""``ronda roster solve PROBLEM.json``: the fairness solver from the command line.

It runs without Typer (``app.console`` sends it here first): Typer builds a Pydantic
adapter for each option, and importing Pydantic alone took 0.1-0.2 s, over ten times
a typical solve.  The command prints the solution JSON of roster-problem.md, with
the bounds, on stdout; a file it cannot read or an invalid problem exits with
status 2 and a message naming the field.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app.rostering.solver import ProblemError, parse_problem, solve

HELP = "Print the optimal roster of PROBLEM_FILE as solution JSON, with bounds."


def _budget(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ronda roster solve", description=HELP)
    parser.add_argument("problem_file", type=Path, help="Problem JSON (roster-problem.md).")
    parser.add_argument(
        "--time-budget",
        type=_budget,
        default=0.2,
        help="Seconds of counted work the search may take (about as many on the wall); "
        "the answer does not depend on the machine (default: 0.2).",
    )
    return parser


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def main(argv: Sequence[str]) -> int:
    """Run ``ronda roster solve`` with ``argv`` (what follows ``solve``); the exit status."""
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as done:  # --help (0) or a usage error (2), already printed
        return int(done.code or 0)
    path: Path = args.problem_file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return _fail(f"{path}: cannot read: {reason}")
    try:
        data = json.loads(text)
    except ValueError as exc:
        return _fail(f"{path}: not valid JSON: {exc}")
    except RecursionError:
        return _fail(f"{path}: not valid JSON: nested too deeply")
    try:
        problem = parse_problem(data)
    except ProblemError as exc:
        return _fail(f"{exc.field}: {exc.message}")
    solution = solve(problem, time_budget_s=args.time_budget)
    try:
        sys.stdout.write(json.dumps(solution.to_json(), indent=1) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader left (``| head``): no traceback, and none at exit either, when
        # Python flushes stdout again (the recipe of the signal module's documentation)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
