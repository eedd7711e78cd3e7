"""Write the committed instance families with their exact optima (OR-Tools CP-SAT).

    .venv/bin/python bench/gen_instances.py [--per-family 8] [--seed 2026] [--family tight]

Each family file in tests/rostering/instances/ holds problems drawn by
tests/rostering/rt_generator.py and the lexicographic optimum that
bench/verify_solver.py's exact method proved for each.  Dev-only: needs ortools.

A file this script did not draw (its "generator_seed" is not the script's
"<seed>-<family>") is left as it is: tight-hard.json, gap6.json and the other
files of RTs picked by hand (their "method" says how), where the solver once
missed the optimum or its proof, keep them even where a family has their name.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from verify_solver import INSTANCES, exact_figures, rt_generator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--family", action="append", choices=list(rt_generator.FAMILIES))
    args = parser.parse_args()
    INSTANCES.mkdir(parents=True, exist_ok=True)
    for family in args.family or rt_generator.FAMILIES:
        path = INSTANCES / f"{family}.json"
        if path.exists() and not _drawn_here(path, family):
            print(f"{family}: {path.name} holds RTs picked by hand; left as it is")
            continue
        rng = random.Random(f"{args.seed}-{family}")
        cases = []
        while len(cases) < args.per_family:
            problem = rt_generator.random_problem(rng, family)
            exact = exact_figures(problem, args.time_limit)
            if not exact["optimal"]:
                print(f"{family}: skipped an instance CP-SAT did not prove in time")
                continue
            name = f"{family}-{len(cases):02d}"
            optimum = {k: exact[k] for k in ("unfilled", "spread", "weekend_spread")}
            print(f"{name}: {optimum} in {exact['seconds']:.2f} s", flush=True)
            cases.append(
                {
                    "name": name,
                    "exact_seconds": round(exact["seconds"], 3),
                    "optimum": optimum,
                    "problem": problem,
                }
            )
        payload = {
            "family": family,
            "generator_seed": f"{args.seed}-{family}",
            "method": "CP-SAT lexicographic: min unfilled; fix; min spread; fix; "
            "min weekend_spread (bench/verify_solver.py exact_figures)",
            "instances": cases,
        }
        path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")


def _drawn_here(path: Path, family: str) -> bool:
    """Did this script write ``path`` (its generator seed is ``<seed>-<family>``)?"""
    seed = json.loads(path.read_text()).get("generator_seed")
    return isinstance(seed, str) and seed.endswith(f"-{family}")


if __name__ == "__main__":
    main()
