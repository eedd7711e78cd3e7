"""Benchmark the fairness solver; prints its figures (this is not a test).

    .venv/bin/python bench/bench_solver.py [--per-family 60] [--seed 1] [--repeat 3]

Pins itself to one core, draws RT problems of every family from
tests/rostering/rt_generator.py, and prints solve time (median, p95, max) by
household count, with how many answers the solver proved optimal, the eight
slowest RTs (family and draw, as ``bench/reference/bench-1-unproved.json.gz``
names them, with their counted work), how the solver's work clock (the
budget is counted work, see ``_Work``) compares with the wall on this machine, and
the wall of the whole ``ronda roster solve`` command (a new process: start-up,
imports, the solve, the JSON out) on each family's first draw.
Each RT is solved ``--repeat`` times and its fastest time counts (in the clock's
fit too): the solver does the same work each time (the same answer, the same
counted units, short of the wall limit), so what the repeats remove is the
machine's jitter.  Slower spells on a shared virtual
machine last longer than an RT's repeats: single-run figures on this one moved
by a third between two runs an hour apart, which no repeat removes; compare
versions in the same hour, or by the counted units verify_solver.py prints.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "rostering"))

import rt_generator  # noqa: E402

from app.rostering import solver  # noqa: E402
from app.rostering.solver import parse_problem, solve  # noqa: E402

BUCKETS = [(15, 50), (51, 100), (101, 200)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=0.2, help="time budget per RT, seconds")
    parser.add_argument(
        "--repeat", type=_positive, default=3, help="solves per RT; the fastest counts"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rng = random.Random(args.seed)
    rows: dict[tuple[int, int], list[tuple[float, bool, str]]] = {b: [] for b in BUCKETS}
    # (ms, family and draw, proved, counted units) of every RT, for the slowest
    slowest: list[tuple[float, str, bool, int]] = []
    # wall ms per ms of counted work, for runs long enough to measure
    clock_fit: list[float] = []
    firsts: dict[str, dict[str, object]] = {}
    for family in rt_generator.FAMILIES:
        for draw in range(args.per_family):
            data = rt_generator.random_problem(rng, family)
            firsts.setdefault(family, data)
            problem = parse_problem(data)
            elapsed = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                solution = solve(problem, time_budget_s=args.budget)
                elapsed = min(elapsed, (time.perf_counter() - started) * 1000)
            counted = solver._WORK.units * solver._UNIT_S * 1000
            slowest.append(
                (elapsed, f"{family} {draw}", solution.proved_optimal, solver._WORK.units)
            )
            if counted >= 5:
                clock_fit.append(elapsed / counted)
            size = sum(not h.exempt for h in problem.households)
            bucket = next(b for b in BUCKETS if size <= b[1])
            rows[bucket].append((elapsed, solution.proved_optimal, family))
    print(
        f"one core, seed {args.seed}, {args.per_family} RTs per family, "
        f"budget {args.budget * 1000:.0f} ms, time in ms (fastest of {args.repeat})"
    )
    print(f"{'households':>12} {'RTs':>5} {'median':>8} {'p95':>8} {'max':>8} {'proved':>8}")
    everything: list[tuple[float, bool, str]] = []
    for (lo, hi), items in rows.items():
        everything += items
        _line(f"{lo}-{hi}", items)
    _line("all", everything)
    print("by family:")
    for family in rt_generator.FAMILIES:
        _line(family, [r for r in everything if r[2] == family])
    slowest.sort(reverse=True)
    print(
        "slowest: "
        + ", ".join(
            f"{name} {ms:.0f} ms ({units // 1000}k units{'' if proved else ', unproved'})"
            for ms, name, proved, units in slowest[:8]
        )
    )
    if clock_fit:
        clock_fit.sort()
        print(
            f"work clock: wall ms per counted ms over {len(clock_fit)} runs of 5 ms or more: "
            f"median {statistics.median(clock_fit):.2f}, "
            f"p5 {clock_fit[int(0.05 * len(clock_fit))]:.2f}, "
            f"p95 {clock_fit[int(0.95 * len(clock_fit))]:.2f}, max {clock_fit[-1]:.2f}"
        )
    print(
        "ronda roster solve, the whole command (ms, fastest of 5): "
        + ", ".join(f"{family} 0 {_command_ms(data):.0f}" for family, data in firsts.items())
    )


def _command_ms(data: dict[str, object]) -> float:
    """The wall of ``ronda roster solve`` on ``data``, from its start to its exit."""
    script = Path(sys.executable).with_name("ronda")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app.console"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "problem.json"
        path.write_text(json.dumps(data))
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(
                [*command, "roster", "solve", str(path)], check=True, capture_output=True
            )
            best = min(best, (time.perf_counter() - started) * 1000)
    return best


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _line(label: str, items: list[tuple[float, bool, str]]) -> None:
    if not items:
        return
    times = sorted(t for t, _, _ in items)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    proved = sum(p for _, p, _ in items)
    print(
        f"{label:>12} {len(times):>5} {statistics.median(times):8.2f} {p95:8.2f} "
        f"{times[-1]:8.2f} {proved:>4}/{len(times):<4}"
    )


if __name__ == "__main__":
    main()
