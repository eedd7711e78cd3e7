"""Check the solver's figures against an exact method (OR-Tools CP-SAT), offline.

    .venv/bin/python bench/verify_solver.py                 # committed instances + 40 fresh
    .venv/bin/python bench/verify_solver.py --fresh 200 --seed 9
    .venv/bin/python bench/verify_solver.py --committed-only
    .venv/bin/python bench/verify_solver.py --fresh 30 --family crowded
    .venv/bin/python bench/verify_solver.py --fresh-only --fresh 150 --seed 77 --save set.json
    .venv/bin/python bench/verify_solver.py --against set.json   # no CP-SAT: seconds, not minutes
    .venv/bin/python bench/verify_solver.py --against bench/reference/*.json.gz

The exact method is lexicographic, as roster-problem.md orders the figures:
minimise unfilled; fix it and minimise spread; fix that and minimise
weekend_spread.  Every solver answer is also validated by the independent
checker (../shared/roster-check.py).  Exits 1 on any disagreement; a valid answer
better than one CP-SAT did not prove optimal agrees (``ok+``).  The last
lines say on how many the solver took at most 1/100 of CP-SAT's time (the
issue's bar), and the median of that ratio.

``--save`` keeps every instance checked, with CP-SAT's figures and time, in a
JSON file; ``--against`` checks the solver against such a file without running
CP-SAT, which is how a change to the solver is measured on hundreds of RTs.
A name ending in ``.gz`` is read and written compressed; ``bench/reference/``
holds 745 such RTs (see its README).
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import importlib.util
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "rostering"))

import rt_generator  # noqa: E402  (re-exported for gen_instances)

from app.rostering import solver  # noqa: E402
from app.rostering.solver import parse_problem, solve  # noqa: E402

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INSTANCES = ROOT / "tests" / "rostering" / "instances"


def load_checker() -> Any:
    """Import ``evaluate`` from ../shared/roster-check.py (beside the repository)."""
    path = ROOT.parent / "shared" / "roster-check.py"
    spec = importlib.util.spec_from_file_location("roster_check", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"checker not found at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.evaluate


def exact_figures(problem: dict[str, Any], time_limit_s: float = 60.0) -> dict[str, Any]:
    """Lexicographic optimum (unfilled, spread, weekend_spread) by CP-SAT, with timing."""
    first = date.fromisoformat(problem["month"] + "-01")
    ndays = calendar.monthrange(first.year, first.month)[1]
    days = [first + timedelta(days=i) for i in range(ndays)]
    gap = max(1, int(problem.get("min_gap_days", 1)))
    weekend = set(problem.get("weekend_nights", ["fri", "sat"]))
    by_date = problem.get("team_size_by_date") or {}
    by_weekday = problem.get("team_size_by_weekday") or {}

    def size(day: date) -> int:
        if day.isoformat() in by_date:
            return int(by_date[day.isoformat()])
        return int(by_weekday.get(WEEKDAYS[day.weekday()], problem["team_size"]))

    caps = [size(d) for d in days]
    wk = [WEEKDAYS[d.weekday()] in weekend for d in days]
    eligible = [h for h in problem["households"] if not h.get("exempt", False)]

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for i, h in enumerate(eligible):
        away = set(h.get("unavailable") or [])
        last = date.fromisoformat(h["last_shift_date"]) if h.get("last_shift_date") else None
        for j, d in enumerate(days):
            if caps[j] <= 0 or d.isoformat() in away:
                continue
            if last is not None and abs((d - last).days) < gap:
                continue
            x[i, j] = model.NewBoolVar(f"x{i}_{j}")
        for j in range(ndays):
            window = [x[i, k] for k in range(j, min(ndays, j + gap)) if (i, k) in x]
            if len(window) > 1:
                model.Add(sum(window) <= 1)
    for j in range(ndays):
        night = [x[i, j] for i in range(len(eligible)) if (i, j) in x]
        if night:
            model.Add(sum(night) <= max(0, caps[j]))
    places = sum(max(0, c) for c in caps)
    filled = sum(x.values())
    horizon = 1000
    loads, wloads = [], []
    for i, h in enumerate(eligible):
        mine = [x[i, j] for j in range(ndays) if (i, j) in x]
        mine_w = [x[i, j] for j in range(ndays) if (i, j) in x and wk[j]]
        loads.append(int(h.get("prior_shifts", 0) or 0) + sum(mine))
        wloads.append(int(h.get("prior_weekend_shifts", 0) or 0) + sum(mine_w))
    lmax, lmin = model.NewIntVar(0, horizon, "lmax"), model.NewIntVar(0, horizon, "lmin")
    wmax, wmin = model.NewIntVar(0, horizon, "wmax"), model.NewIntVar(0, horizon, "wmin")
    for load, wload in zip(loads, wloads, strict=True):
        model.Add(lmax >= load)
        model.Add(lmin <= load)
        model.Add(wmax >= wload)
        model.Add(wmin <= wload)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 8
    solver.parameters.max_time_in_seconds = time_limit_s
    started = time.perf_counter()
    optimal = True

    def run(objective: Any) -> int:
        nonlocal optimal
        model.Minimize(objective)
        status = solver.Solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError("CP-SAT found no solution")
        optimal = optimal and status == cp_model.OPTIMAL
        return round(solver.ObjectiveValue())

    if not eligible:
        return {
            "unfilled": places,
            "spread": 0,
            "weekend_spread": 0,
            "optimal": True,
            "seconds": 0.0,
        }
    unfilled = run(places - filled)
    model.Add(filled == places - unfilled)
    spread = run(lmax - lmin)
    model.Add(lmax - lmin == spread)
    weekend_spread = run(wmax - wmin)
    return {
        "unfilled": unfilled,
        "spread": spread,
        "weekend_spread": weekend_spread,
        "optimal": optimal,
        "seconds": time.perf_counter() - started,
    }


def check_one(
    name: str, problem: dict[str, Any], expected: dict[str, Any], evaluate: Any
) -> tuple[bool, float]:
    """Solve ``problem``, validate it, compare figures with ``expected``; print a line.
    Returns whether it agrees and its time over CP-SAT's (``expected["seconds"]``)."""
    started = time.perf_counter()
    solution = solve(parse_problem(problem))
    elapsed = time.perf_counter() - started
    result = evaluate(problem, solution.to_json())
    got = (result["unfilled"], result["spread"], result["weekend_spread"])
    want = (expected["unfilled"], expected["spread"], expected["weekend_spread"])
    # an answer better than one CP-SAT did not prove optimal shows CP-SAT's was not
    better = got < want and not expected.get("optimal", True)
    ok = result["violations"] == 0 and (got == want or better)
    flag = ("ok+" if better else "ok ") if ok else "BAD"
    print(
        f"{flag} {name:<28} solver {got} in {elapsed * 1000:6.1f} ms "
        f"(proved={solution.proved_optimal}, bounds={tuple(solution.bounds.as_dict().values())}) "
        f"exact {want}{'' if expected.get('optimal', True) else ' (not proved)'}"
        f" in {expected.get('seconds', 0) * 1000:7.0f} ms"
        + ("" if result["violations"] == 0 else f" VIOLATIONS {result['violation_counts']}")
    )
    return ok, elapsed / max(expected.get("seconds", 0.0), 1e-9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", type=int, default=40, help="fresh random instances")
    parser.add_argument("--seed", type=int, default=None, help="seed for fresh instances")
    # which instances: the committed and fresh ones (the default), one kind, or a saved set
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--committed-only", action="store_true")
    which.add_argument("--fresh-only", action="store_true")
    which.add_argument(
        "--against",
        type=Path,
        nargs="+",
        help="check against the instances of files saved by --save, without CP-SAT",
    )
    parser.add_argument("--save", type=Path, help="write the instances and CP-SAT's figures here")
    parser.add_argument("--time-limit", type=float, default=60.0, help="CP-SAT seconds per stage")
    parser.add_argument(
        "--family",
        action="append",
        choices=list(rt_generator.FAMILIES),
        help="draw fresh instances from this family only (repeatable)",
    )
    args = parser.parse_args()
    evaluate = load_checker()
    failures = 0
    total = 0
    ratios: list[float] = []
    saved: list[dict[str, Any]] = []
    work: list[int] = []  # the solver's counted work per instance: the same on any machine

    def check(name: str, problem: dict[str, Any], exact: dict[str, Any]) -> None:
        nonlocal failures, total
        total += 1
        ok, ratio = check_one(name, problem, exact, evaluate)
        work.append(solver._WORK.units)
        failures += not ok
        ratios.append(ratio)
        saved.append({"name": name, "problem": problem, "exact": exact})

    if args.against:
        for path in args.against:
            for case in json.loads(_read(path)):
                check(case["name"], case["problem"], case["exact"])
    elif not args.fresh_only:
        for path in sorted(INSTANCES.glob("*.json")):
            for case in json.loads(path.read_text())["instances"]:
                exact = exact_figures(case["problem"], args.time_limit)
                committed = case["optimum"]
                if any(exact[k] != committed[k] for k in ("unfilled", "spread", "weekend_spread")):
                    print(f"BAD {case['name']}: committed optimum {committed}, CP-SAT says {exact}")
                    failures += 1
                check(case["name"], case["problem"], exact)
    if not (args.committed_only or args.against):
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
        print(f"fresh instances, seed {seed}")
        rng = random.Random(seed)
        families = args.family or list(rt_generator.FAMILIES)
        for i in range(args.fresh):
            family = families[i % len(families)]
            problem = rt_generator.random_problem(rng, family)
            check(f"fresh-{seed}-{family}-{i}", problem, exact_figures(problem, args.time_limit))
    if args.save:
        _write(args.save, json.dumps(saved))
        print(f"saved {len(saved)} instances with CP-SAT's figures to {args.save}")
    print(f"{total - failures}/{total} agree")
    if ratios:
        print(
            f"at most 1/100 of CP-SAT's time on {sum(r <= 0.01 for r in ratios)}/{len(ratios)};"
            f" median solver/CP-SAT time {statistics.median(ratios):.4f}"
        )
        print(f"solver work {sum(work)} units (deterministic: compare versions by it)")
    return 1 if failures else 0


def _read(path: Path) -> str:
    """A saved set's text, compressed where its name ends in ``.gz``."""
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes()).decode()
    return path.read_text()


def _write(path: Path, text: str) -> None:
    if path.suffix == ".gz":
        # no name or time in the header: the same set gives the same bytes
        path.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    else:
        path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
