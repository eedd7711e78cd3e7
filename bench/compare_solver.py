"""Compare this checkout's solver with another's on fresh RTs, without CP-SAT.

    .venv/bin/python bench/compare_solver.py --against /tmp/old        # a checkout
    .venv/bin/python bench/compare_solver.py --against /tmp/old --seed 5 --seed 6
    .venv/bin/python bench/compare_solver.py --against /tmp/old --family crowded --per-family 200

(``git worktree add /tmp/old HEAD~1`` makes the other checkout.)  Both solvers
solve the same RTs, drawn by tests/rostering/rt_generator.py from each seed and
family, in two processes side by side.  The comparison is by figures (which
solver's roster is better, in roster-problem.md's order) and by counted work,
the same on any machine; wall time is left out, since the two processes share
the machine.  Its last lines say how many RTs each solver did better on, how
many it proved, and its work in all.

Why: the solver's path follows the vertices HiGHS ends on, so a change to it
moves a few crowded RTs of the 745 in bench/reference/ either way, and those
alone cannot tell a gain from noise (see bench/reference/README.md).  A change
is worth keeping when it does better here, on RTs nobody tuned it on, and the
tests' committed instances still pass.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ("crowded", "tight", "gap6", "uniform")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="the other checkout (its root)")
    parser.add_argument("--seed", type=int, action="append", help="repeatable; default 5-8")
    parser.add_argument("--per-family", type=int, default=100)
    parser.add_argument("--family", action="append", help=f"default: {', '.join(FAMILIES)}")
    parser.add_argument("--budget", type=float, default=0.2, help="seconds of counted work")
    # internal: solve with the solver of this checkout and print one JSON line per RT
    parser.add_argument("--solve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    seeds = args.seed or [5, 6, 7, 8]
    families = args.family or list(FAMILIES)
    if args.solve:
        _solve_all(args.solve, seeds, families, args.per_family, args.budget)
        return 0
    if args.against is None:
        parser.error("--against is required")
    if not (args.against / "app" / "rostering" / "solver.py").exists():
        parser.error(f"--against: no app/rostering/solver.py under {args.against}")
    runs = {}
    for label, tree in (("this", ROOT), ("other", args.against.resolve())):
        command = [sys.executable, __file__, "--solve", str(tree), "--per-family"]
        command += [str(args.per_family), "--budget", str(args.budget)]
        command += [f"--seed={s}" for s in seeds] + [f"--family={f}" for f in families]
        runs[label] = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    results = {}
    for label, process in runs.items():
        out, _ = process.communicate()
        if process.returncode:
            print(f"the {label} checkout's solver failed (exit {process.returncode})")
            return 1
        results[label] = {row["name"]: row for row in map(json.loads, out.splitlines())}
    this, other = results["this"], results["other"]
    better = sorted(name for name in this if this[name]["figures"] < other[name]["figures"])
    worse = sorted(name for name in this if this[name]["figures"] > other[name]["figures"])
    for name in better:
        print(f"better {name}: {this[name]['figures']} (other {other[name]['figures']})")
    for name in worse:
        print(f"worse  {name}: {this[name]['figures']} (other {other[name]['figures']})")
    print(f"{len(this)} RTs (seeds {seeds}, {', '.join(families)}, {args.per_family} a family)")
    print(f"this checkout better on {len(better)}, the other on {len(worse)}")
    for label, rows in (("this", this), ("other", other)):
        proved = sum(row["proved"] for row in rows.values())
        work = sum(row["units"] for row in rows.values())
        print(f"{label:>6}: {proved} proved optimal, {work:,} units of work")
    return 0


def _solve_all(tree: Path, seeds: list[int], families: list[str], per: int, budget: float) -> None:
    """Solve every drawn RT with the solver under ``tree``; one JSON line per RT."""
    sys.path.insert(0, str(tree))
    # the draws come from this checkout's generator, so that both solve the same RTs
    sys.path.insert(0, str(ROOT / "tests" / "rostering"))
    import rt_generator

    from app.rostering import solver

    # the wall limit only guards against a runaway solve: two processes share the machine
    solver._WALL_FACTOR = 50
    for seed in seeds:
        for family in families:
            rng = random.Random(f"{seed}-{family}")
            for draw in range(per):
                data = rt_generator.random_problem(rng, family)
                solution = solver.solve(solver.parse_problem(data), time_budget_s=budget)
                row: dict[str, Any] = {
                    "name": f"{seed}-{family}-{draw}",
                    "figures": list(solution.metrics.as_dict().values()),
                    "proved": solution.proved_optimal,
                    "units": solver._WORK.units,
                }
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
