import contextlib
import functools
import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import rt_generator
from validity import broken_rules, figures

from app.rostering.solver import Problem, ProblemError, Solution, parse_problem, solve

INSTANCES = Path(__file__).resolve().parent / "instances"
Evaluate = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


# Committed instances where the search still ends above the exact optimum with the
# tests' 2 s budget.  Strict: fixing one makes this list fail, so it stays honest.
# Empty since the LP-rounded rosters: the four tight RTs it held
# (instances/tight-misses.json) are solved optimally and stay here as instances.
KNOWN_MISSES: set[str] = set()


def _cases(family: str | None = None) -> list[dict[str, Any]]:
    cases = []
    for path in sorted(INSTANCES.glob("*.json")):
        data = json.loads(path.read_text())
        if family is None or data["family"] == family:
            cases.extend(data["instances"])
    return cases


def _figures(solution: Solution) -> tuple[int, int, int]:
    m = solution.metrics
    return m.unfilled, m.spread, m.weekend_spread


def test_committed_families_are_there() -> None:
    families = {json.loads(p.read_text())["family"] for p in INSTANCES.glob("*.json")}
    assert {"small", "typical", "large", "tight", "gap1"} <= families
    assert len(_cases()) >= 40


def _marked(case: dict[str, Any]) -> Any:
    if case["name"] in KNOWN_MISSES:
        return pytest.param(
            case, marks=pytest.mark.xfail(strict=True, reason="known gap to the exact optimum")
        )
    return case


@pytest.mark.usefixtures("counted_budget_only")
@pytest.mark.parametrize("case", [_marked(c) for c in _cases()], ids=lambda c: c["name"])
def test_committed_instance_is_solved_optimally(case: dict[str, Any]) -> None:
    problem = case["problem"]
    solution = solve(parse_problem(problem), time_budget_s=2.0)
    answer = solution.to_json()
    assert broken_rules(problem, answer) == []
    optimum = case["optimum"]
    want = (optimum["unfilled"], optimum["spread"], optimum["weekend_spread"])
    assert figures(problem, answer) == _figures(solution) == want
    bounds = solution.bounds
    # lower bounds must never pass the exact optimum, and a proof must be honest
    assert (bounds.unfilled, bounds.spread, bounds.weekend_spread) <= want
    assert bounds.unfilled <= want[0]
    assert bounds.spread <= want[1]
    assert bounds.weekend_spread <= want[2]
    assert solution.proved_optimal == (bounds == solution.metrics)


TIGHT = ("tight", "tight-hard", "tight-misses", "tight-dives")


@pytest.mark.usefixtures("counted_budget_only")
@pytest.mark.parametrize(
    "case", [c for family in TIGHT for c in _cases(family)], ids=lambda c: c["name"]
)
def test_the_lp_relaxation_proves_the_fill_of_tight_rts(case: dict[str, Any]) -> None:
    # where places must stay empty, the LP bound on places filled is the exact optimum
    # on every committed tight RT, found within the default budget: unfilled is proved
    solution = solve(parse_problem(case["problem"]))
    assert solution.bounds.unfilled == solution.metrics.unfilled == case["optimum"]["unfilled"]


@pytest.mark.usefixtures("counted_budget_only")
@pytest.mark.parametrize(
    "case",
    [c for family in (*TIGHT, "crowded") for c in _cases(family)],
    ids=lambda c: c["name"],
)
def test_tight_rts_are_solved_within_the_default_budget(case: dict[str, Any]) -> None:
    # the LP dives land on the optimum where the local search stalls (tight-dives: it
    # ends above it within this budget); crowded-04 ended a weekend spread above it
    # while the work clock charged each step twice what it took
    solution = solve(parse_problem(case["problem"]))
    optimum = case["optimum"]
    assert _figures(solution) == (optimum["unfilled"], optimum["spread"], optimum["weekend_spread"])


@pytest.mark.usefixtures("counted_budget_only")
def test_every_committed_instance_is_proved_optimal_within_the_default_budget() -> None:
    # a proof stops the search.  Before whole schedules (_Schedules) refuted the windows
    # the LP of nights leaves open, two or three tight RTs ended unproved here; now none
    unproved = [
        c["name"] for c in _cases() if not solve(parse_problem(c["problem"])).proved_optimal
    ]
    assert unproved == []


@pytest.mark.usefixtures("counted_budget_only")
def test_the_budgets_last_part_proves_what_the_dives_refuted() -> None:
    # crowded-04's weekend bound ran out of its share of the budget before its last
    # check; the dives then refuted every window below the optimum (each refutation
    # is remembered), and the bounds, asked once more in the budget's last part,
    # prove the roster optimal
    case = next(c for c in _cases("crowded") if c["name"] == "crowded-04")
    solution = solve(parse_problem(case["problem"]))
    assert solution.proved_optimal
    optimum = case["optimum"]
    assert _figures(solution) == (optimum["unfilled"], optimum["spread"], optimum["weekend_spread"])


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["name"])
def test_committed_instance_passes_the_independent_checker(
    case: dict[str, Any], checker: Evaluate
) -> None:
    problem = case["problem"]
    result = checker(problem, solve(parse_problem(problem)).to_json())
    assert result["violations"] == 0, result["violation_counts"]
    assert result["reported_metrics_agree"] is True


def test_round_robin_is_measurably_worse_on_tight_families() -> None:
    worse = 0
    cases = _cases("tight") + _cases("tight-hard")
    for case in cases:
        problem = case["problem"]
        naive = rt_generator.round_robin(problem)
        assert broken_rules(problem, naive) == []
        # a generous budget: a busy machine must not decide this comparison
        ours = figures(problem, solve(parse_problem(problem), time_budget_s=2.0).to_json())
        theirs = figures(problem, naive)
        assert ours <= theirs
        worse += theirs > ours
    # the naive roster leaves places empty or loads uneven on most tight RTs
    assert worse >= len(cases) * 3 // 4


def test_single_greedy_pass_is_worse_than_the_solver_somewhere() -> None:
    from app.rostering.solver import _Engine

    worse = 0
    for case in _cases("tight") + _cases("typical"):
        problem = parse_problem(case["problem"])
        engine = _Engine(problem)
        engine.greedy(0)
        greedy = engine.figures()
        # A generous budget: on a loaded machine 200 ms can end before the search does.
        best = solve(problem, time_budget_s=2.0).metrics
        greedy_key = (greedy.unfilled, greedy.spread, greedy.weekend_spread)
        assert (best.unfilled, best.spread, best.weekend_spread) <= greedy_key
        worse += (best.unfilled, best.spread, best.weekend_spread) < greedy_key
    assert worse >= 4


def test_round_trip_of_problem_json() -> None:
    case = _cases("typical")[0]
    problem = parse_problem(case["problem"])
    assert parse_problem(problem.to_json()) == problem


def test_to_json_shape() -> None:
    data = solve(parse_problem(_cases("small")[0]["problem"])).to_json()
    assert set(data) == {"nights", "metrics", "bounds", "proved_optimal"}
    assert set(data["metrics"]) == {"unfilled", "spread", "weekend_spread", "violations"}
    assert data["metrics"]["violations"] == 0
    assert set(data["bounds"]) == {"unfilled", "spread", "weekend_spread"}
    assert set(data["nights"][0]) == {"date", "households"}


def test_zero_budget_still_returns_a_valid_roster() -> None:
    for case in _cases("tight")[:3] + _cases("large")[:2]:
        problem = case["problem"]
        solution = solve(parse_problem(problem), time_budget_s=0.0)
        assert broken_rules(problem, solution.to_json()) == []
        b, m = solution.bounds, solution.metrics
        assert b.unfilled <= m.unfilled
        assert b.spread <= m.spread
        assert b.weekend_spread <= m.weekend_spread


@pytest.mark.usefixtures("counted_budget_only")
def test_a_search_cut_short_by_the_budget_gives_the_same_roster_under_load() -> None:
    # tight-unproved-00 uses a 10 ms budget whole without a proof.  The budget is counted
    # work, so a second run slowed down by a thread keeping the interpreter busy stops
    # at the same step, with the same roster and bounds.  (The busy thread more than
    # doubles the run's wall time: the wall cap is raised so that it cannot be what
    # ends either run on a slow machine.)
    case = _cases("tight-unproved")[0]
    alone = solve(parse_problem(case["problem"]), time_budget_s=0.01)
    assert not alone.proved_optimal
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            sum(range(1000))

    hog = threading.Thread(target=busy)
    hog.start()
    try:
        loaded = solve(parse_problem(case["problem"]), time_budget_s=0.01)
    finally:
        stop.set()
        hog.join()
    assert loaded.to_json() == alone.to_json()
    assert loaded.bounds == alone.bounds


@pytest.mark.usefixtures("counted_budget_only")
@pytest.mark.parametrize("name", ["gap6-25", "tight-dive-04", "crowded-04"])
def test_no_lp_solve_runs_past_the_budget(name: str) -> None:
    # a check or a dive step started near the budget's end ran to its end: on these,
    # up to 40% of a 50 ms budget more.  Each solve now takes at most the iterations
    # the units left pay for, and none runs once they do not pay for its set-up; what
    # is left over is the search's last steps.
    from app.rostering import solver

    case = next(c for c in _cases() if c["name"] == name)
    budget = 0.05
    solution = solve(parse_problem(case["problem"]), time_budget_s=budget)
    assert solver._WORK.units * solver._UNIT_S <= 1.05 * budget
    assert broken_rules(case["problem"], solution.to_json()) == []
    optimum = case["optimum"]
    assert solution.bounds.unfilled <= optimum["unfilled"]
    assert solution.bounds.spread <= optimum["spread"]
    assert solution.bounds.weekend_spread <= optimum["weekend_spread"]


@pytest.mark.parametrize("budget", [0.0, 0.05])
def test_a_run_far_over_its_budget_on_the_wall_is_cut_short(
    monkeypatch: pytest.MonkeyPatch, budget: float
) -> None:
    # A work clock that never advances (a cost model gone wrong) leaves only the wall
    # cap to end the search: it must, with a valid roster and honest bounds.
    from app.rostering import solver

    monkeypatch.setattr(solver, "_UNIT_S", 0.0)
    monkeypatch.setattr(solver, "_WALL_FACTOR", 1.0)
    case = _cases("tight-unproved")[0]
    started = time.perf_counter()
    solution = solve(parse_problem(case["problem"]), time_budget_s=budget)
    # uncut, this search runs for seconds; the cap ends it at the budget plus a step
    assert time.perf_counter() - started < 1.5
    assert broken_rules(case["problem"], solution.to_json()) == []
    optimum = case["optimum"]
    assert solution.bounds.weekend_spread <= optimum["weekend_spread"]
    assert solution.bounds.spread <= optimum["spread"]


def test_the_lp_time_limit_counts_only_the_wall_time_left() -> None:
    # HiGHS's time limit is read off its own clock, which adds up every run of the
    # model.  Once the LP's first solve had taken longer than the wall time left (a
    # loaded machine), each later check stopped at once, unrefuted: the search took
    # another path, and the same input gave another roster.
    from app.rostering import solver

    # a small RT: its check takes milliseconds, far less than the wall time left below
    # even on a loaded machine (a large RT's took a good part of it there)
    problem = parse_problem(_cases("small")[0]["problem"])
    solver._WORK.start(time.perf_counter() + 60.0)
    try:
        relaxation = solver._Engine(problem).relaxation()
        for _ in range(3000):  # solves from scratch add up on HiGHS's clock
            if relaxation.solver.getRunTime() >= 0.3:
                break
            relaxation.solver.clearSolver()
            assert relaxation.fill() is not None
        # the time limit relies on it (HiGHS 2 is to reset the clock with each run)
        assert relaxation.solver.getRunTime() >= 0.3
        # less wall time left than HiGHS has run, yet ample for a check from the basis
        solver._WORK.wall_limit = time.perf_counter() + relaxation.solver.getRunTime() / 2
        # no roster has a shift with every household at none: refuted, not cut short
        nobody = [(0, 0)] * relaxation.hcount
        assert not relaxation.feasible(nobody, None, 1)
    finally:
        solver._WORK.wall_limit = float("inf")
        solver._WORK.forget()


def test_a_kept_certificate_refutes_only_what_the_lp_refutes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The checks of whole solves of tight and crowded RTs, asked again of a fresh LP:
    # each first of the kept Farkas certificates, then of HiGHS.  A check a
    # certificate refutes must be one HiGHS refutes (a bound would be wrong
    # otherwise), and the certificates must spare solves.
    from app.rostering import solver

    checks: list[tuple[Any, Any, int]] = []

    def recording(method: Any) -> Any:
        def recorded(self: Any, counts: Any, weekend: Any, total: int) -> bool:
            # feasible after known_refuted asks the same check: it is counted once
            if not checks or checks[-1] != (counts, weekend, total):
                checks.append((counts, weekend, total))
            return bool(method(self, counts, weekend, total))

        return recorded

    spared = 0
    for case in [c for family in (*TIGHT, "crowded") for c in _cases(family)]:
        problem = parse_problem(case["problem"])
        checks.clear()
        with monkeypatch.context() as patched:
            # the checks asked, and those asked of the certificates alone first
            for name in ("feasible", "known_refuted"):
                patched.setattr(
                    solver._Relaxation, name, recording(getattr(solver._Relaxation, name))
                )
            solve(problem)
        solver._WORK.start(float("inf"))
        try:
            relaxation = solver._Engine(problem).relaxation()
            relaxation.fill()
            for counts, weekend, total in checks:
                lower, upper = relaxation.check_rows(counts, weekend, total)
                kept = relaxation._refutes(lower, upper)
                relaxation._set_rows(lower, upper)
                refuted = relaxation._run() == solver.highspy.HighsModelStatus.kInfeasible
                assert refuted or not kept
                if refuted and not kept:
                    relaxation._keep_ray(lower, upper)
                spared += kept
        finally:
            solver._WORK.forget()
    assert spared >= 5


@contextlib.contextmanager
def _greedy_engine(family: str, draw: int) -> Iterator[Any]:
    """The engine of a greedy roster of draw ``draw`` of ``family``, within a solve's
    work clock."""
    import random

    from app.rostering import solver

    problem = parse_problem(rt_generator.random_problem(random.Random(draw), family))
    solver._WORK.start(float("inf"))
    try:
        engine = solver._Engine(problem)
        engine.greedy(0)
        yield engine
    finally:
        solver._WORK.forget()


@pytest.mark.parametrize("draw", range(5))
def test_the_weekend_bound_without_the_lp_passes_the_windows_refuted_before(draw: int) -> None:
    # Before the local search the weekend bound asks no LP (lp=False): it stops at the
    # first level with a window whose counts add up.  A window whole schedules refuted
    # in the dives is remembered (_Proved.refuted) and passed over there too: with every
    # window of the bound's level refuted, the bound is the next level's
    from app.rostering import solver

    with _greedy_engine("tight", draw) as engine:
        caps, filled, ours = engine.month.most, engine.filled, engine.figures()
        known = solver._Proved()

        def bound() -> int:
            return solver._weekend_bound(
                engine, 0, ours.weekend_spread, ours.spread, filled, caps, math.inf, known, lp=False
            )

        first = bound()
        if first >= ours.weekend_spread:
            return
        reach = engine.weekend_reach()
        for ranges in solver._fitting_windows(engine, reach, caps, ours.spread, first, filled):
            counts, weekend = [(a, b) for a, b, _, _ in ranges], [(a, b) for _, _, a, b in ranges]
            known.refuted.add(solver._check(counts, weekend, filled))
        assert bound() > first


@pytest.mark.parametrize("family", ["tight", "crowded"])
def test_a_weekend_bound_below_the_roster_marks_its_width_final_without_an_lp_solve(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window left open at the bound is found again by every later ask: the bound
    # marks its width final itself, however late in its share it found it.  It solves
    # no LP to leave it open: the LP of nights' certificates refute what they can, and
    # the dives settle the window left (they un-mark the width where they refute it).
    # Asked to check (the budget's last bounds), it solves the LP of that window
    from app.rostering import solver

    solves = 0
    run = solver._Relaxation._run

    def counted(self: solver._Relaxation, limit: int | None = None, fill: bool = False) -> Any:
        nonlocal solves
        solves += 1
        return run(self, limit, fill)

    monkeypatch.setattr(solver._Relaxation, "_run", counted)
    asked = 0
    for draw in range(8):
        with _greedy_engine(family, draw) as engine:
            caps, figures_ = engine.month.most, engine.figures()
            engine.relaxation().fill()
            known = solver._Proved()

            bound = functools.partial(
                solver._weekend_bound,
                engine,
                0,
                figures_.weekend_spread,
                figures_.spread,
                engine.filled,
                caps,
                math.inf,
                known,
            )
            solves = 0
            first = bound()
            assert solves == 0
            if first < figures_.weekend_spread:
                asked += 1
                assert figures_.spread in known.weekend_final
                assert figures_.spread in known.weekend_unchecked
                checked = bound(check=True)
                assert solves > 0
                assert checked >= first
                if checked < figures_.weekend_spread:
                    assert figures_.spread not in known.weekend_unchecked
    assert asked >= 3


def test_places_are_never_left_empty_to_level_loads() -> None:
    # One household far behind the other: filling every night widens the spread,
    # yet filling comes first.
    problem = parse_problem(
        {
            "month": "2026-02",
            "team_size": 1,
            "min_gap_days": 1,
            "households": [
                {"id": "A", "prior_shifts": 0},
                {"id": "B", "prior_shifts": 40, "unavailable": []},
            ],
        }
    )
    solution = solve(problem)
    assert (solution.metrics.unfilled, solution.metrics.spread) == (0, 40 - 28)
    assert solution.bounds.unfilled == 0


def test_no_eligible_household_gives_zero_spreads() -> None:
    problem = parse_problem(
        {
            "month": "2026-12",
            "team_size": 2,
            "households": [{"id": "X", "exempt": True, "prior_shifts": 5}],
        }
    )
    solution = solve(problem)
    assert all(ids == () for _, ids in solution.nights)
    assert solution.metrics.unfilled == 31 * 2
    assert (solution.metrics.spread, solution.metrics.weekend_spread) == (0, 0)
    assert solution.proved_optimal


def test_cancelled_nights_and_last_shift_across_the_boundary() -> None:
    data = {
        "month": "2026-12",
        "team_size": 1,
        "team_size_by_date": {"2026-12-25": 0},
        "team_size_by_weekday": {"sun": 0},
        "min_gap_days": 3,
        "households": [{"id": f"H{i}", "last_shift_date": "2026-11-30"} for i in range(2)]
        + [{"id": "H9"}],
    }
    solution = solve(parse_problem(data))
    answer = solution.to_json()
    assert broken_rules(data, answer) == []
    nights = dict(solution.nights)
    assert nights[date(2026, 12, 25)] == ()
    assert nights[date(2026, 12, 6)] == ()  # a Sunday
    assert nights[date(2026, 12, 1)] == ("H9",)  # H0 and H1 served on 30 November


INVALID = [
    ({"month": "2026-13"}, "month"),
    ({"month": "26-01"}, "month"),
    ({"month": 202601}, "month"),
    ({"team_size": 0}, "team_size"),
    ({"team_size": "4"}, "team_size"),
    ({"team_size": True}, "team_size"),
    ({"team_size_by_weekday": {"saturday": 2}}, "team_size_by_weekday.saturday"),
    ({"team_size_by_weekday": {"sat": -1}}, "team_size_by_weekday.sat"),
    ({"team_size_by_date": {"2026-12-32": 1}}, "team_size_by_date.2026-12-32"),
    ({"team_size_by_date": {"2026-12-05": -2}}, "team_size_by_date.2026-12-05"),
    ({"min_gap_days": -1}, "min_gap_days"),
    ({"weekend_nights": ["fri", "funday"]}, "weekend_nights[1]"),
    ({"households": "many"}, "households"),
    ({"households": [{"id": "A"}, {"id": "A"}]}, "households[1].id"),
    ({"households": [{"id": ""}]}, "households[0].id"),
    ({"households": [{"id": "A", "prior_shifts": -1}]}, "households[0].prior_shifts"),
    (
        {"households": [{"id": "A", "prior_shifts": 2, "prior_weekend_shifts": 3}]},
        "households[0].prior_weekend_shifts",
    ),
    (
        {"households": [{"id": "A", "last_shift_date": "2026-12-01"}]},
        "households[0].last_shift_date",
    ),
    (
        {"households": [{"id": "A", "last_shift_date": "30/11/2026"}]},
        "households[0].last_shift_date",
    ),
    ({"households": [{"id": "A", "unavailable": ["2026-12-5"]}]}, "households[0].unavailable[0]"),
    ({"households": [{"id": "A", "exempt": "no"}]}, "households[0].exempt"),
    ({"seed": 1.5}, "seed"),
    # null or falsy values where a list or a count is required are refused, not read
    # as empty or 0 (the checker cannot read these problems either)
    ({"households": None}, "households"),
    ({"weekend_nights": None}, "weekend_nights"),
    ({"households": [{"id": "A", "prior_shifts": ""}]}, "households[0].prior_shifts"),
    ({"households": [{"id": "A", "prior_shifts": False}]}, "households[0].prior_shifts"),
    (
        {"households": [{"id": "A", "prior_weekend_shifts": []}]},
        "households[0].prior_weekend_shifts",
    ),
    ({"seed": ""}, "seed"),
    ({"seed": False}, "seed"),
]


@pytest.mark.parametrize(("override", "field"), INVALID)
def test_invalid_input_is_refused_naming_the_field(override: dict[str, Any], field: str) -> None:
    data: dict[str, Any] = {"month": "2026-12", "team_size": 3, "households": [{"id": "A"}]}
    data.update(override)
    with pytest.raises(ProblemError) as excinfo:
        parse_problem(data)
    assert excinfo.value.field == field
    assert field in str(excinfo.value)


def test_missing_required_fields() -> None:
    for field in ("month", "team_size", "households"):
        data: dict[str, Any] = {"month": "2026-12", "team_size": 3, "households": []}
        del data[field]
        with pytest.raises(ProblemError) as excinfo:
            parse_problem(data)
        assert excinfo.value.field == field


def test_defaults() -> None:
    problem = parse_problem({"month": "2027-02", "team_size": 2, "households": [{"id": "A"}]})
    assert isinstance(problem, Problem)
    assert problem.min_gap_days == 1
    assert problem.weekend_nights == frozenset({"fri", "sat"})
    assert problem.seed == 0
    assert len(problem.dates) == 28
    household = problem.households[0]
    assert (household.exempt, household.prior_shifts, household.last_shift_date) == (False, 0, None)


def test_null_priors_and_seed_read_as_left_out() -> None:
    problem = parse_problem(
        {
            "month": "2026-12",
            "team_size": 1,
            "seed": None,
            "households": [{"id": "A", "prior_shifts": None, "prior_weekend_shifts": None}],
        }
    )
    assert (problem.seed, problem.households[0].prior_shifts) == (0, 0)


def test_a_gap_longer_than_the_month_is_solved_at_once(checker: Evaluate) -> None:
    """A gap of a billion days allows one shift a household, and blocks the month for
    a household whose last shift was any time before it; it once took minutes (every
    check looped over the gap's days)."""
    households = [{"id": f"H{i:02d}"} for i in range(20)]
    households[0]["last_shift_date"] = "1990-01-01"
    problem = {"month": "2026-12", "team_size": 2, "min_gap_days": 10**9, "households": households}
    started = time.perf_counter()
    solution = solve(parse_problem(problem))
    assert time.perf_counter() - started < 5  # minutes before; milliseconds now
    assert checker(problem, solution.to_json())["violations"] == 0
    # 62 places; 19 households free for one shift each, on a weekday; H00 for none
    assert _figures(solution) == (62 - 19, 1, 0)
    assert solution.proved_optimal


def test_the_final_guard_catches_a_broken_roster() -> None:
    from app.rostering.solver import _Engine

    problem = parse_problem(
        {
            "month": "2026-12",
            "team_size": 1,
            "min_gap_days": 3,
            "households": [{"id": "A"}, {"id": "B", "unavailable": ["2026-12-03"]}],
        }
    )
    engine = _Engine(problem)
    engine.greedy(0)
    assert engine.roster_is_valid()
    engine._set(0, 0b11)  # A on two consecutive nights
    assert not engine.roster_is_valid()
    engine._set(0, 0)
    engine._set(1, 1 << 2)  # B on a night it is away
    assert not engine.roster_is_valid()
    engine._set(1, 0)
    assert engine.roster_is_valid()
    engine._set(0, 1 << 5)
    engine._set(1, 1 << 5)  # two on a night of one
    assert not engine.roster_is_valid()
    engine._set(1, 0)
    engine.occ[5].append(0)  # A twice on one night
    assert not engine.roster_is_valid()
    engine.occ[5].pop()
    engine.occ[9].append(1)  # a night's member without the shift in its schedule
    assert not engine.roster_is_valid()


def test_dives_that_whole_schedules_settle_build_no_lp_of_nights(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On tight RTs whose places the greedy fills, the dives come first and whole
    # schedules land or refute their windows alone: the LP of nights, built only
    # where they leave a window to it, is then never built (its set-up was a seventh
    # of such a solve's work)
    import random

    from app.rostering import solver

    built = dived = 0
    build, dive = solver._Relaxation.__init__, solver._dived

    def counted_build(self: solver._Relaxation, *args: Any) -> None:
        nonlocal built
        built += 1
        build(self, *args)

    def counted_dive(*args: Any) -> solver._Engine:
        nonlocal dived
        dived += 1
        return dive(*args)

    monkeypatch.setattr(solver._Relaxation, "__init__", counted_build)
    monkeypatch.setattr(solver, "_dived", counted_dive)
    settled = 0
    for draw in range(30):
        data = rt_generator.random_problem(random.Random(draw), "tight")
        built = dived = 0
        answer = solver.solve(parse_problem(data))
        if dived and not built:
            settled += 1
            assert answer.proved_optimal
            assert broken_rules(data, answer.to_json()) == []
    assert settled >= 3


def test_a_window_the_lp_of_nights_refutes_in_the_dives_unmarks_its_width_final(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The weekend bound marks a width final while a window at it is left open; a dive
    # that refutes that window lifts the bound, by whole schedules or, where they
    # neither land nor refute it, by the LP of nights: either un-marks the width
    from app.rostering import solver

    refuted = 0

    def refute(self: solver._Relaxation, *args: Any) -> bool:
        nonlocal refuted
        refuted += 1
        return False

    monkeypatch.setattr(solver._Schedules, "roster", lambda self, deadline: None)
    monkeypatch.setattr(solver._Relaxation, "feasible", refute)
    dived = 0
    for draw in range(10):
        with _greedy_engine("tight", draw) as engine:
            ours = engine.figures()
            bounds = solver.Figures(ours.unfilled, ours.spread, 0)
            known = solver._Proved(weekend_final={ours.spread})
            refuted = 0
            solver._dived(
                engine.problem, engine, engine.month.most, engine.filled, bounds, math.inf, known
            )
            if refuted:
                dived += 1
                assert ours.spread not in known.weekend_final
    assert dived >= 3


@pytest.mark.parametrize("first", [False, True])
def test_the_first_search_ends_where_its_spread_stalls_above_the_bound(
    first: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before the LP's bounds, the spread bound may be below the optimum's, and the
    # weekend bound with it: the first search leaves the weekend to the bounds and the
    # dives once its spread stalls above the bound.  Other searches go on to it

    from app.rostering import solver

    phases: list[bool] = []
    improve = solver._Engine.improve

    def recorded(self: solver._Engine, weekend: bool, *args: Any) -> bool:
        phases.append(weekend)
        return improve(self, weekend, *args)

    monkeypatch.setattr(solver._Engine, "improve", recorded)
    with _greedy_engine("crowded", 3) as engine:
        ours = engine.figures()
        assert ours.spread > 0
        assert ours.weekend_spread > 0
        # a bound no roster meets: the spread search stalls above it
        bounds = solver.Figures(ours.unfilled, 0, 0)
        solver._improve(engine, engine.filled, bounds, 0.05, stall=True, first=first)
    assert phases[0] is False
    assert (True in phases) is not first


def test_a_check_from_scratch_starts_from_the_fills_basis(monkeypatch: pytest.MonkeyPatch) -> None:
    # The LP of nights first asked by a dive (the construction built none) solves the
    # fill from scratch, by the primal simplex where the RT is tight, and the check from
    # its basis by the dual: the check's rows bounded to its window made the primal from
    # scratch several times slower than both, and its charge a seventh of its time

    from app.rostering import solver

    runs: list[tuple[bool, int]] = []
    run = solver._Relaxation._run

    def recorded(self: solver._Relaxation, limit: int | None = None, fill: bool = False) -> Any:
        cold = self.cold
        status = run(self, limit, fill)
        runs.append((cold, self.strategy))
        return status

    monkeypatch.setattr(solver._Relaxation, "_run", recorded)
    with _greedy_engine("crowded", 3) as engine:
        relaxation = engine.relaxation()
        caps = engine.month.most
        assert relaxation.primal_start
        fits = relaxation.feasible([(0, c) for c in caps], None, engine.filled)
        # the same check asked of an LP warmed by its fill
        other = solver._Relaxation(
            engine.avail, engine.n, engine.g, engine.cap, engine.weekend_mask
        )
        other.fill()
        assert other.feasible([(0, c) for c in caps], None, engine.filled) == fits
    assert runs[:2] == [(True, 4), (False, 1)]


@pytest.mark.usefixtures("counted_budget_only")
def test_highs_instances_handed_on_to_later_windows_solve_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A window's HiGHS instance is cleared and handed to a later window once its
    # _Schedules is gone (_highs, _SPARE): solves that take spares, within the solve and
    # left by the one before, give the roster, bounds and work of a solve that takes none
    from app.rostering import solver

    case = next(c for c in _cases() if c["name"] == "tight-dive-04")
    with monkeypatch.context() as patch:
        # an empty list of spares of its own: (_Schedules.__del__ hands its instance to
        # the module's list, bound when it was defined)
        patch.setattr(solver, "_SPARE", [])
        alone = solve(parse_problem(case["problem"]))
        units = solver._WORK.units
    handed = []
    taken = solver._highs

    def counting() -> Any:
        handed.append(bool(solver._SPARE))
        return taken()

    monkeypatch.setattr(solver, "_highs", counting)
    solver._SPARE.clear()
    for _ in range(2):
        solution = solve(parse_problem(case["problem"]))
        assert solution.to_json() == alone.to_json()
        assert solution.bounds == alone.bounds
        assert solver._WORK.units == units
    assert any(handed)


def test_a_spare_highs_instance_is_handed_on_empty_and_with_the_solvers_options() -> None:
    # what a window left in its instance (rows, columns, options of its own) is gone
    from app.rostering import solver

    fresh = solver._highs()
    stale = solver._highs()
    stale.addVars(3, [0.0] * 3, [1.0] * 3)
    stale.setOptionValue("dual_feasibility_tolerance", 0.5)
    stale.setOptionValue("simplex_iteration_limit", 0)
    solver._SPARE.append(stale)
    handed = solver._highs()
    assert handed is stale
    assert handed.getNumCol() == 0
    assert handed.getNumRow() == 0
    for option in ("dual_feasibility_tolerance", "simplex_iteration_limit", "threads", "presolve"):
        assert handed.getOptionValue(option) == fresh.getOptionValue(option)
