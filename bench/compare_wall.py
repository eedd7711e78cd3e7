"""Compare two checkouts' solver wall time on the reference RTs, interleaved per RT.

    .venv/bin/python bench/compare_wall.py --against /tmp/old
    .venv/bin/python bench/compare_wall.py --against /tmp/old --family tight --repeat 5

(``git worktree add /tmp/old HEAD~1`` makes the other checkout.)  For a change meant
to save wall time only, where the counted work and the answers stay the same (check
that with ``compare_solver.py`` and ``verify_solver.py --against``): both solvers are
loaded into one process pinned to one core, and each RT of bench/reference/ is
solved by one, then the other, ``--repeat`` times, its fastest time counting.  Eight
passes of the same code over the 745 RTs, within an hour on this project's machine,
took 7.5 to 9.2 s: whole passes cannot tell a 3% change from the machine's spells;
RT by RT, side by side, they can (the same checkout against itself: within 1%, the
second loaded a little faster).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "bench" / "reference"


def load_solver(tree: Path, name: str) -> ModuleType:
    """``app/rostering/solver.py`` of the checkout ``tree``, as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, tree / "app/rostering/solver.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no solver under {tree}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    # no run is cut short on the wall: both take the path their counted work sets
    module._WALL_FACTOR = 50.0
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="the other checkout")
    parser.add_argument("--family", action="append", help="reference files by family")
    parser.add_argument("--repeat", type=int, default=3, help="solves per RT and solver")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    solvers = {
        "this": load_solver(ROOT, "solver_this"),
        "other": load_solver(args.against, "solver_other"),
    }
    wall = dict.fromkeys(solvers, 0.0)
    work = dict.fromkeys(solvers, 0)
    within = dict.fromkeys(solvers, 0)
    count = 0
    for path in sorted(REFERENCE.glob("*.json.gz")):
        if args.family and path.name.split("-")[0] not in args.family:
            continue
        for case in json.loads(gzip.decompress(path.read_bytes())):
            count += 1
            exact = case["exact"]["seconds"]
            problems = {k: s.parse_problem(case["problem"]) for k, s in solvers.items()}
            fastest = dict.fromkeys(solvers, float("inf"))
            for _ in range(args.repeat):
                for label, solver in solvers.items():
                    started = time.perf_counter()
                    solver.solve(problems[label])
                    fastest[label] = min(fastest[label], time.perf_counter() - started)
            for label, solver in solvers.items():
                wall[label] += fastest[label]
                work[label] += solver._WORK.units
                within[label] += fastest[label] <= exact / 100
    print(f"{count} reference RTs, one core, fastest of {args.repeat}, interleaved")
    for label in solvers:
        print(
            f"{label:>6}: {wall[label]:.2f} s, {within[label]} within 1/100 of CP-SAT's "
            f"time, {work[label]:,} units of work"
        )
    print(f"this / other wall: {wall['this'] / wall['other']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
