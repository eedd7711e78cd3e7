import itertools
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import rt_generator
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from validity import WEEKDAYS, broken_rules, figures

from app.rostering.solver import ProblemError, parse_problem, solve

Evaluate = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    """Small RT problems touching every feature of roster-problem.md."""
    year = draw(st.integers(2024, 2028))
    month = draw(st.integers(1, 12))
    first = date(year, month, 1)
    days = [
        first + timedelta(days=i) for i in range(31) if (first + timedelta(days=i)).month == month
    ]
    team = draw(st.integers(1, 6))
    gap = draw(st.integers(1, 6))
    by_weekday = draw(st.dictionaries(st.sampled_from(WEEKDAYS), st.integers(0, 7), max_size=3))
    by_date = {
        d.isoformat(): n
        for d, n in draw(
            st.dictionaries(st.sampled_from(days), st.integers(0, 7), max_size=4)
        ).items()
    }
    count = draw(st.integers(0, 14))
    households = []
    for i in range(count):
        prior = draw(st.integers(0, 12))
        away = draw(st.lists(st.sampled_from(days), max_size=12))
        last = draw(st.none() | st.integers(1, 10))
        households.append(
            {
                "id": f"H{i:02d}",
                "exempt": draw(st.booleans()) and draw(st.booleans()),
                "unavailable": sorted({d.isoformat() for d in away}),
                "prior_shifts": prior,
                "prior_weekend_shifts": draw(st.integers(0, prior)),
                "last_shift_date": None
                if last is None
                else (first - timedelta(days=last)).isoformat(),
            }
        )
    return {
        "month": f"{year:04d}-{month:02d}",
        "team_size": team,
        "team_size_by_weekday": by_weekday,
        "team_size_by_date": by_date,
        "min_gap_days": gap,
        "weekend_nights": draw(
            st.lists(st.sampled_from(WEEKDAYS), min_size=0, max_size=3, unique=True)
        ),
        "households": households,
        "seed": draw(st.integers(0, 2**31)),
    }


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems())
def test_every_hard_rule_holds(problem: dict[str, Any]) -> None:
    solution = solve(parse_problem(problem))
    answer = solution.to_json()
    assert broken_rules(problem, answer) == []
    assert figures(problem, answer) == (
        solution.metrics.unfilled,
        solution.metrics.spread,
        solution.metrics.weekend_spread,
    )
    b, m = solution.bounds, solution.metrics
    assert b.unfilled <= m.unfilled
    assert b.spread <= m.spread
    assert b.weekend_spread <= m.weekend_spread
    assert solution.proved_optimal == (b == m)


@SETTINGS
@given(problems())
def test_the_independent_checker_agrees(problem: dict[str, Any]) -> None:
    from conftest import CHECKER, load_checker

    if not CHECKER.exists():
        return  # reported by the skip in test_solver.py's checker tests
    result = load_checker()(problem, solve(parse_problem(problem)).to_json())
    assert result["violations"] == 0, result["violation_counts"]
    assert result["reported_metrics_agree"] is True


# the wall cap is raised for every example alike (see counted_budget_only)
@pytest.mark.usefixtures("counted_budget_only")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(problems(), st.randoms(use_true_random=False))
def test_deterministic_for_input_and_seed(problem: dict[str, Any], rnd: random.Random) -> None:
    # The budget is counted work, not wall time: runs cut short by it end at the same
    # step too, so every run is compared, proved optimal or not.  Only the wall cap
    # (a guard for a broken cost model) could tell two runs apart: on a machine busy
    # beyond it, a CP-SAT build on both cores beside the suite, one example failed.
    first = solve(parse_problem(problem))
    again = solve(parse_problem(problem))
    # the order households are listed in is not part of the input's meaning
    shuffled = dict(problem, households=list(problem["households"]))
    rnd.shuffle(shuffled["households"])
    third = solve(parse_problem(shuffled))
    assert first.to_json() == again.to_json() == third.to_json()
    assert first.bounds == again.bounds == third.bounds


@settings(max_examples=40, deadline=None)
@given(problems())
def test_tiny_budget_is_still_valid(problem: dict[str, Any]) -> None:
    solution = solve(parse_problem(problem), time_budget_s=0.0)
    assert broken_rules(problem, solution.to_json()) == []


# any JSON value, weighted toward those a hand-written problem gets wrong: null, false,
# "", negative and huge counts, dates and weekdays in the wrong place
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 40)
    | st.just(10**9)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "2026-12-05", "2026-13-01", "fri", "5", *WEEKDAYS])
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["", "sat", "2026-12-05", "x"]) | st.text(max_size=4), inner, max_size=3
        )
    ),
    max_leaves=6,
)
_FIELDS = [
    "month",
    "team_size",
    "team_size_by_weekday",
    "team_size_by_date",
    "min_gap_days",
    "weekend_nights",
    "households",
    "seed",
]
_HOUSEHOLD_FIELDS = [
    "id",
    "exempt",
    "unavailable",
    "prior_shifts",
    "prior_weekend_shifts",
    "last_shift_date",
]


@settings(max_examples=300, deadline=None)
@given(problems(), st.data())
def test_a_problem_is_refused_naming_a_field_or_solved_as_the_checker_reads_it(
    problem: dict[str, Any], data: st.DataObject
) -> None:
    """One field set to any JSON value (or dropped): ``parse_problem`` refuses it with a
    ProblemError naming a field of the problem, or the solution it leads to is one the
    independent checker reads and finds valid (so nothing it cannot read is solved)."""
    from conftest import CHECKER, load_checker

    households = problem["households"]
    if households and data.draw(st.booleans()):
        target = households[data.draw(st.integers(0, len(households) - 1))]
        field = data.draw(st.sampled_from(_HOUSEHOLD_FIELDS))
    else:
        target, field = problem, data.draw(st.sampled_from(_FIELDS))
    if data.draw(st.integers(0, 9)) == 0:
        target.pop(field, None)
    else:
        target[field] = data.draw(_JSON)
    try:
        parsed, refused = parse_problem(problem), None
    except ProblemError as error:
        parsed, refused = None, error
    if refused is not None:
        assert refused.field.split(".")[0].split("[")[0] in _FIELDS
        assert str(refused).startswith(refused.field)
        return
    assert parsed is not None
    solution = solve(parsed, time_budget_s=0.02).to_json()
    if CHECKER.exists():
        result = load_checker()(problem, solution)
        assert result["violations"] == 0, result["violation_counts"]
        assert result["reported_metrics_agree"] is True


@settings(max_examples=60, deadline=None)
@given(problems())
def test_figures_are_optimal_by_brute_bound(problem: dict[str, Any]) -> None:
    # Whatever the solver proves, no other seed finds a lexicographically better roster.
    solution = solve(parse_problem(problem))
    base = solution.metrics
    other = solve(parse_problem(dict(problem, seed=problem["seed"] + 1))).metrics
    key = (base.unfilled, base.spread, base.weekend_spread)
    other_key = (other.unfilled, other.spread, other.weekend_spread)
    if solution.proved_optimal:
        assert key <= other_key


@settings(max_examples=60, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_window_construction_keeps_every_hard_rule(
    problem: dict[str, Any], rnd: random.Random
) -> None:
    # Whatever windows it aims at (even impossible ones), the construction toward
    # load windows must build a valid roster on its own, not rely on the final guard.
    from app.rostering.solver import _Engine

    engine = _Engine(parse_problem(problem))
    windows = []
    for _ in range(engine.H):
        lo, w_lo = rnd.randint(0, 8), rnd.randint(0, 4)
        windows.append((lo, lo + rnd.randint(0, 4), w_lo, w_lo + rnd.randint(0, 3)))
    engine.window_greedy(windows)
    assert engine.roster_is_valid()
    for h, (_, hi, _, w_hi) in enumerate(windows):
        assert engine.sched[h].bit_count() <= hi
        assert (engine.sched[h] & engine.weekend_mask).bit_count() <= w_hi


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), min_size=1, max_size=4),
    st.integers(0, 12),
    st.integers(0, 4),
    st.integers(0, 3),
)
def test_the_spread_bound_is_the_least_spread_of_any_counts(
    households: list[tuple[int, int]], lo_total: int, extra: int, start: int
) -> None:
    # _spread_bound tests one floor per width; against every choice of counts
    # x[h] in [0, caps[h]] adding up to [lo_total, lo_total + extra]
    from app.rostering.solver import _spread_bound

    priors = [p for p, _ in households]
    caps = [c for _, c in households]
    lo_total = min(lo_total, sum(caps))
    hi_total = lo_total + extra
    least = min(
        max(p + x for p, x in zip(priors, xs, strict=True))
        - min(p + x for p, x in zip(priors, xs, strict=True))
        for xs in itertools.product(*(range(c + 1) for c in caps))
        if lo_total <= sum(xs) <= hi_total
    )
    assert _spread_bound(priors, caps, lo_total, hi_total, start) == max(start, least)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 14),
    st.integers(1, 6),
    st.integers(0, (1 << 14) - 1),
    st.integers(0, (1 << 14) - 1),
)
def test_the_weekend_range_and_most_shifts_are_those_of_every_schedule(
    n: int, g: int, mask: int, weekend: int
) -> None:
    # _weekend_range's bitset DP against every subset of the free days whose shifts
    # lie g days apart: for each count, the fewest and most weekend nights; and
    # _most_shifts, the earliest-first count, is the most
    from app.rostering.solver import _most_shifts, _weekend_range

    mask &= (1 << n) - 1
    free = [d for d in range(n) if mask >> d & 1]
    reach: dict[int, list[int]] = {}
    for size in range(len(free) + 1):
        for days in itertools.combinations(free, size):
            if all(b - a >= g for a, b in itertools.pairwise(days)):
                reach.setdefault(size, []).append(sum(weekend >> d & 1 for d in days))
    assert _weekend_range(mask, n, g, weekend) == [
        (min(reach[c]), max(reach[c])) for c in range(len(reach))
    ]
    assert _most_shifts(mask, g) == max(reach)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 12),
    st.integers(1, 6),
    st.lists(st.integers(0, (1 << 12) - 1), min_size=1, max_size=3),
    st.integers(0, (1 << 12) - 1),
)
def test_the_lp_columns_hold_exactly_the_schedules_g_days_apart(
    n: int, g: int, masks: list[int], weekend: int
) -> None:
    # _columns' rows against every subset of each household's free days: its gap
    # windows allow a subset exactly when its shifts lie g days apart; and each
    # column's other rows are its night, its household's shifts (and weekend
    # shifts on a weekend night) and all shifts
    from app.rostering.solver import _columns

    masks = [m & ((1 << n) - 1) for m in masks]
    hcount = len(masks)
    hs, ds, starts, index, nrow = _columns(masks, n, g, weekend)
    cols = list(zip(hs.tolist(), ds.tolist(), strict=True))
    assert cols == [(h, d) for h, m in enumerate(masks) for d in range(n) if m >> d & 1]
    rows = [index[starts[j] : starts[j + 1]].tolist() for j in range(len(cols))]
    first_window = n + 2 * hcount + 1
    for (h, d), col_rows in zip(cols, rows, strict=True):
        fixed = [d, n + h, n + 2 * hcount] + ([n + hcount + h] if weekend >> d & 1 else [])
        assert col_rows[: len(fixed)] == fixed
        assert all(first_window <= r < nrow for r in col_rows[len(fixed) :])
    for h in range(hcount):
        mine = [j for j, (c, _) in enumerate(cols) if c == h]
        for size in range(len(mine) + 1):
            for chosen in itertools.combinations(mine, size):
                days = [cols[j][1] for j in chosen]
                apart = all(b - a >= g for a, b in itertools.pairwise(days))
                windows = [r for j in chosen for r in rows[j] if r >= first_window]
                assert apart == (len(windows) == len(set(windows)))


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 12),
    st.integers(1, 5),
    st.integers(0, (1 << 12) - 1),
    st.integers(0, (1 << 12) - 1),
    st.integers(0, (1 << 12) - 1),
    st.integers(-1, 4),
    st.sampled_from([(0, 0), (1, 1), (1, 0), (2, 1)]),
    st.data(),
)
def test_a_planned_schedule_is_the_best_of_every_schedule(
    n: int,
    g: int,
    allowed: int,
    weekend_mask: int,
    current: int,
    weekend: int,
    extras: tuple[int, int],
    data: st.DataObject,
) -> None:
    # _plan_dp's packed DP against every subset of the allowed nights g days apart
    # with exactly ``weekend`` weekend nights (any, at -1) and ``take_extra`` of the
    # extra nights: none exists exactly when it says so, and its plan is one of
    # them with the most shifts, then the most current nights kept
    full = (1 << n) - 1
    allowed &= full
    extra_count, take_extra = extras
    free = [d for d in range(n) if allowed >> d & 1]
    extra = sum(1 << d for d in data.draw(st.permutations(free))[:extra_count])
    wk = [weekend_mask >> d & 1 for d in range(n)]

    def fits(mask: int) -> bool:
        return (weekend < 0 or (mask & weekend_mask).bit_count() == weekend) and (
            mask & extra
        ).bit_count() == take_extra

    best = -1
    for size in range(len(free) + 1):
        for days in itertools.combinations(free, size):
            mask = sum(1 << d for d in days)
            if all(b - a >= g for a, b in itertools.pairwise(days)) and fits(mask):
                best = max(best, 64 * size + (mask & current).bit_count())
    plan = _packed_plan(n, g, wk, current & full, allowed, extra, weekend, take_extra)
    if best < 0:
        assert plan == -1
        return
    days = [d for d in range(n) if plan >> d & 1]
    assert plan & ~allowed == 0
    assert all(b - a >= g for a, b in itertools.pairwise(days))
    assert fits(plan)
    assert 64 * len(days) + (plan & current).bit_count() == best


def _packed_plan(
    n: int, g: int, wk: list[int], current: int, allowed: int, extra: int, weekend: int, take: int
) -> int:
    """_Engine._plan_dp on a household whose schedule is ``current``: all it reads of
    the engine is the month (n nights, gap g, weekend nights ``wk``) and that schedule."""
    from types import SimpleNamespace

    from app.rostering.solver import _Engine

    engine = SimpleNamespace(n=n, g=g, wk=wk, sched=[current])
    return _Engine._plan_dp(engine, 0, allowed, extra, weekend, take)  # type: ignore[arg-type]


def _plan_by_lists(
    n: int, g: int, wk: list[int], current: int, allowed: int, extra: int, weekend: int, take: int
) -> int:
    """The plan DP as plainly as it can be written (a dict of states a night, None where
    no schedule reaches one), with the same tie-breaking: a night is left out of the
    plan wherever leaving it out loses nothing."""
    kinds = range(weekend + 1) if weekend >= 0 else range(1)
    states = [(k, e) for k in kinds for e in range(take + 1)]
    end: dict[tuple[int, int], int | None] = dict.fromkeys(states)
    end[0, 0] = 0
    best = [dict(end) for _ in range(n)] + [end] * g
    for i in range(n - 1, -1, -1):
        dk, de = (wk[i] if weekend >= 0 else 0), extra >> i & 1
        for k, e in states:
            value = best[i + 1][k, e]
            if allowed >> i & 1 and k >= dk and e >= de:
                after = best[i + g][k - dk, e - de]
                if after is not None and (value is None or after + 64 + (current >> i & 1) > value):
                    value = after + 64 + (current >> i & 1)
            best[i][k, e] = value
    state = states[-1]
    if best[0][state] is None:
        return -1
    plan, i = 0, 0
    while i < n:
        if best[i][state] == best[i + 1][state]:
            i += 1
            continue
        plan |= 1 << i
        state = (state[0] - (wk[i] if weekend >= 0 else 0), state[1] - (extra >> i & 1))
        i += g
    return plan


FULL_MONTH = (1 << 31) - 1


@settings(max_examples=150, deadline=None)
@given(
    st.integers(28, 31),
    st.integers(1, 6),
    st.integers(0, FULL_MONTH),
    st.integers(0, FULL_MONTH),
    st.integers(0, FULL_MONTH),
    st.integers(-1, 31),
    st.integers(0, 1),
    st.integers(0, FULL_MONTH),
)
# the largest values a month holds: every night, one night apart, all kept, all weekend
@example(31, 1, FULL_MONTH, FULL_MONTH, FULL_MONTH, 31, 1, FULL_MONTH)
@example(31, 1, FULL_MONTH, FULL_MONTH, FULL_MONTH, 31, 0, 0)
@example(31, 1, FULL_MONTH, FULL_MONTH, FULL_MONTH, -1, 1, 1 << 30)
@example(31, 1, FULL_MONTH, FULL_MONTH, 0, 0, 1, 1)
def test_a_month_planned_packed_is_the_plan_of_the_plain_dp(
    n: int,
    g: int,
    allowed: int,
    weekend_mask: int,
    current: int,
    weekend: int,
    take_extra: int,
    extra: int,
) -> None:
    # _plan_dp packs each night's states in one int: on months of 28-31 nights, up to
    # 32 weekend counts and an extra night, its plan is the plain DP's, night for night
    full = (1 << n) - 1
    allowed &= full
    extra &= allowed if take_extra else 0
    wk = [weekend_mask >> d & 1 for d in range(n)]
    args = (n, g, wk, current & full, allowed, extra, weekend, take_extra)
    assert _packed_plan(*args) == _plan_by_lists(*args)


def _schedules_of(mask: int, n: int, g: int) -> list[int]:
    """Every schedule of a household free on ``mask``'s nights: shifts g days apart."""
    free = [d for d in range(n) if mask >> d & 1]
    return [
        sum(1 << d for d in days)
        for size in range(len(free) + 1)
        for days in itertools.combinations(free, size)
        if all(b - a >= g for a, b in itertools.pairwise(days))
    ]


def _days(mask: int, n: int) -> list[int]:
    """The nights of schedule ``mask``."""
    return [d for d in range(n) if mask >> d & 1]


def _in_window(schedule: int, window: tuple[int, int, int, int], weekend: int) -> bool:
    c_lo, c_hi, w_lo, w_hi = window
    return c_lo <= schedule.bit_count() <= c_hi and w_lo <= (schedule & weekend).bit_count() <= w_hi


def _small_month(masks: list[int], n: int, g: int, weekend: int, cap: list[int]) -> Any:
    """What ``_Schedules`` reads of a ``_Month``, for an RT of ``n`` nights whose
    households are free on ``masks``."""
    from types import SimpleNamespace

    return SimpleNamespace(
        days=list(range(n)),
        avail=masks,
        g=g,
        wk=[weekend >> d & 1 for d in range(n)],
        cap=cap,
        weekend_mask=weekend,
    )


@st.composite
def households_in_windows(
    draw: Any, n: int, most: int
) -> tuple[list[int], list[tuple[int, int, int, int]]]:
    """Up to ``most`` households free on some of ``n`` nights, each with a window of
    shift counts and weekend shift counts (as ``_count_ranges`` gives them)."""
    masks = draw(st.lists(st.integers(0, (1 << n) - 1), min_size=1, max_size=most))
    return masks, draw(windows(len(masks)))


@st.composite
def windows(draw: Any, count: int) -> list[tuple[int, int, int, int]]:
    """A window of shift counts and weekend shift counts for each of ``count`` households."""
    ranges = []
    for _ in range(count):
        c_lo, w_lo = draw(st.integers(0, 3)), draw(st.integers(0, 2))
        ranges.append((c_lo, c_lo + draw(st.integers(0, 2)), w_lo, w_lo + draw(st.integers(0, 2))))
    return ranges


@st.composite
def small_rts(draw: Any, n: int, g: int, weekend: int) -> tuple[Any, ...]:
    """Up to four households in windows (``households_in_windows``) on ``n`` nights of
    0-2 places: their masks, windows, places, each one's schedules within its window
    (``_options``) and the ``_small_month``."""
    masks, ranges = draw(households_in_windows(n, 4))
    cap = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    options = _options(masks, ranges, n, g, weekend)
    return masks, ranges, cap, options, _small_month(masks, n, g, weekend, cap)


def _columns_by_household(schedules: Any) -> dict[int, list[int]]:
    """The schedules of each household among ``schedules``' columns, in their order."""
    columns: dict[int, list[int]] = {}
    for h, s in schedules.cols:
        columns.setdefault(h, []).append(s)
    return columns


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(1, 11), st.integers(1, 5), st.integers(0, (1 << 11) - 1))
def test_the_pricing_dp_finds_each_households_best_schedules_in_its_window(
    data: Any, n: int, g: int, weekend: int
) -> None:
    # _Pricing against every schedule of each household: the most weight within its
    # window (counts of shifts and of weekend shifts), and a schedule of that weight;
    # and (``schedules``) the best schedules of its ``most`` best end states (shift and
    # weekend counts; the lower state first on ties) of weight above ``above``, best
    # first, one per end state
    import numpy

    from app.rostering import solver

    weekend &= (1 << n) - 1
    masks, ranges = data.draw(households_in_windows(n, 4))
    weights = numpy.array(data.draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), float)
    # priced twice, other weights first: a pricing keeps its tables from call to call
    other = numpy.array(data.draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), float)
    most, above = data.draw(st.integers(1, 3)), data.draw(st.integers(-6, 4)) + 0.5
    wk = [weekend >> d & 1 for d in range(n)]
    wide = max(w_hi for _, _, _, w_hi in ranges) + 1
    solver._WORK.start(float("inf"))
    try:
        pricing = solver._Pricing(solver._free_nights(masks, n), g, wk, ranges)
        pricing.values(other)
        values = pricing.values(weights)
        for h, (mask, window) in enumerate(zip(masks, ranges, strict=True)):
            fitting = [s for s in _schedules_of(mask, n, g) if _in_window(s, window, weekend)]
            weight = {s: float(sum(weights[d] for d in range(n) if s >> d & 1)) for s in fitting}
            # per end state, the most weight of a schedule ending there
            best: dict[int, float] = {}
            for s in fitting:
                state = s.bit_count() * wide + (s & weekend).bit_count()
                best[state] = max(best.get(state, -numpy.inf), weight[s])
            ranked = sorted(best, key=lambda state: (-best[state], state))[:most]
            expected = [state for state in ranked if best[state] > above]
            found = pricing.schedules(h, above, most)
            assert len(found) == len(expected)
            for s, state in zip(found, expected, strict=True):
                assert s in weight
                assert s.bit_count() * wide + (s & weekend).bit_count() == state
                assert weight[s] == best[state]
            if not fitting:
                assert values[h] == -numpy.inf
                continue
            assert values[h] == max(weight.values())
            assert weight.get(pricing.schedule(h)) == values[h]
    finally:
        solver._WORK.forget()


@settings(max_examples=150, deadline=None)
@given(problems(), st.integers(0, 6), st.integers(0, 4), st.integers(0, 40))
def test_the_windows_of_loads_are_every_window_whose_counts_add_up(
    problem: dict[str, Any], width: int, k: int, extra: int
) -> None:
    # _fitting_windows stops at the first window of loads whose counts fall short of
    # the shifts (every lower one does too): the same windows, in the same order, as
    # every window of loads and weekend loads asked one by one
    from app.rostering import solver

    engine = solver._Engine(parse_problem(problem))
    if not engine.H:  # (the solver asks only of RTs with households)
        return
    solver._WORK.start(float("inf"))
    try:
        reach = engine.weekend_reach()
        caps = engine.month.most
        prior, prior_w = engine.prior, engine.prior_w
        tables, w_floor, w_ceiling = reach
        total = min(sum(caps), extra)
        found = list(solver._fitting_windows(engine, reach, caps, width, k, total))
    finally:
        solver._WORK.forget()
    top = min(p + c for p, c in zip(prior, caps, strict=True))
    every = []
    for low in range(top, max(prior) - width - 1, -1):
        for w_low in range(w_ceiling, w_floor - k - 1, -1):
            ranges = solver._count_ranges(
                prior, prior_w, tables, low, low + width, w_low, w_low + k
            )
            if ranges is not None and (
                sum(r[0] for r in ranges) <= total <= sum(r[1] for r in ranges)
            ):
                every.append(ranges)
    assert found == every


@settings(max_examples=150, deadline=None)
@given(problems(), st.integers(0, 3), st.integers(0, 20))
# tight draw 20: the first roster fills 91 of 107 places, the chains one more, the
# LP's bound
@example(rt_generator.random_problem(random.Random(20), "tight"), 0, 91)
def test_the_chains_fill_as_without_a_bound_and_stop_at_one(
    problem: dict[str, Any], variant: int, most: int
) -> None:
    # Told the most places any roster fills (the LP's bound, which the chains often
    # reach), they fill as many as without it and leave the same roster (they stop
    # searching, not filling); told fewer, a chain filling one place at a time stops
    # there (a re-planning one may fill several at once)
    from app.rostering import solver

    parsed = parse_problem(problem)
    replan = variant == 3
    solver._WORK.start(float("inf"))
    try:
        plain = solver._Engine(parsed)
        plain.greedy(variant % 3)
        start = plain.filled
        told = plain.snapshot()
        short = plain.snapshot()
        relaxed = plain.relaxation().fill() if plain.H else None
        bound = int(relaxed[0] + 1e-6) if relaxed is not None else plain.places
        plain.fill(float("inf"), replan=replan)
        told.fill(float("inf"), replan=replan, most=bound)
        short.fill(float("inf"), replan=replan, most=most)
    finally:
        solver._WORK.forget()
    assert plain.filled <= bound
    assert told.filled == plain.filled
    assert told.sched == plain.sched
    assert short.roster_is_valid()
    if not replan:
        assert short.filled <= max(start, min(most, plain.filled))


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(2, 8), st.integers(1, 3), st.integers(0, (1 << 8) - 1))
def test_whole_schedules_refute_only_empty_windows_and_land_within_them(
    data: Any, n: int, g: int, weekend: int
) -> None:
    # _Schedules against every combination of the households' schedules: a window it
    # refutes holds no roster (each household within its window, no night over its
    # team, ``total`` shifts in all), and a roster it lands is one of those
    from app.rostering import solver

    weekend &= (1 << n) - 1
    masks, ranges = data.draw(households_in_windows(n, 3))
    cap = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    total = data.draw(st.integers(0, 2 * n))
    month = _small_month(masks, n, g, weekend, cap)
    options = _options(masks, ranges, n, g, weekend)
    exists = any(_is_roster(combo, total, n, cap) for combo in itertools.product(*options))
    solver._WORK.start(float("inf"))
    try:
        schedules = solver._Schedules(month, ranges, total, [], {})  # type: ignore[arg-type]
        roster = schedules.roster(float("inf"))
    finally:
        solver._WORK.forget()
    if schedules.refuted:
        assert not exists
    if roster is not None:
        landed = tuple(sum(1 << d for h2, d in roster if h2 == h) for h in range(len(masks)))
        assert len(set(roster)) == len(roster)
        assert all(s in opts for s, opts in zip(landed, options, strict=True))
        assert _is_roster(landed, total, n, cap)


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(2, 8), st.integers(1, 3), st.integers(0, (1 << 8) - 1))
def test_whole_schedules_start_with_a_column_for_every_household_that_has_one(
    data: Any, n: int, g: int, weekend: int
) -> None:
    # The first columns: each household's roster schedule where it fits its window;
    # for every other household with a schedule in its window, one that takes the most
    # nights the fitting households leave room on, net of the full nights it takes;
    # and for each household with one, a schedule of most shifts, on the nights the
    # whole roster leaves room on where it can (_Schedules._fullest)
    from app.rostering import solver

    weekend &= (1 << n) - 1
    masks, ranges, cap, options, month = data.draw(small_rts(n, g, weekend))
    roster = [data.draw(st.sampled_from(_schedules_of(mask, n, g))) for mask in masks]
    solver._WORK.start(float("inf"))
    try:
        schedules = solver._Schedules(month, ranges, 0, roster, {})  # type: ignore[arg-type]
        schedules.solver  # noqa: B018 (the LP, with its first columns, is built on first use)
    finally:
        solver._WORK.forget()
    fitting = [h for h, s in enumerate(roster) if s in options[h]]
    room = [cap[d] - sum(roster[h] >> d & 1 for h in fitting) for d in range(n)]
    left = [cap[d] - sum(s >> d & 1 for s in roster) for d in range(n)]

    def worth(s: int) -> int:
        return sum((1 if room[d] > 0 else -1) for d in range(n) if s >> d & 1)

    def fullness(s: int) -> float:
        return sum((1 if left[d] > 0 else solver._FULL_NIGHT) for d in range(n) if s >> d & 1)

    columns = _columns_by_household(schedules)
    for h, opts in enumerate(options):
        if not opts:
            assert h not in columns
            continue
        first, *rest = columns[h]
        if h in fitting:
            assert first == roster[h]
        else:
            assert first in opts
            assert worth(first) == max(map(worth, opts))
        # (the schedule of most shifts only where the first is not one already)
        assert len(rest) <= 1
        assert all(s in opts for s in rest)
        assert max(map(fullness, columns[h])) == pytest.approx(max(map(fullness, opts)))


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(2, 8), st.integers(1, 3), st.integers(0, (1 << 8) - 1))
def test_whole_schedules_start_the_simplex_at_the_roster(
    data: Any, n: int, g: int, weekend: int
) -> None:
    # The first LP starts at the roster (_Schedules._start_at): HiGHS takes the basis,
    # and before any iteration it is feasible, each household on its roster schedule
    # where that fits its window (else on its artificial column), so the phase-one
    # objective is the households left uncovered plus the shifts short of or over total
    from app.rostering import solver

    weekend &= (1 << n) - 1
    masks, ranges, cap, options, month = data.draw(small_rts(n, g, weekend))
    # a valid roster: schedules drawn in turn among those the nights still have room for
    roster, room = [], list(cap)
    for mask in masks:
        fits = [s for s in _schedules_of(mask, n, g) if all(room[d] > 0 for d in _days(s, n))]
        chosen = data.draw(st.sampled_from(fits))  # (the empty schedule always fits)
        for d in _days(chosen, n):
            room[d] -= 1
        roster.append(chosen)
    total = data.draw(st.integers(0, 2 * n))
    solver._WORK.start(float("inf"))
    try:
        schedules = solver._Schedules(month, ranges, total, roster, {})  # type: ignore[arg-type]
        lp = schedules.solver
        lp.setOptionValue("simplex_iteration_limit", 0)
        lp.run()
    finally:
        solver._WORK.forget()
    fitting = [h for h, s in enumerate(roster) if s in options[h]]
    shifts = sum(roster[h].bit_count() for h in fitting)
    info = lp.getInfo()
    assert info.primal_solution_status == 2  # feasible
    assert info.num_primal_infeasibilities == 0
    expected = len(masks) - len(fitting) + abs(total - shifts)
    assert abs(lp.getObjectiveValue() - expected) < 1e-9


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(2, 8), st.integers(1, 3), st.integers(0, (1 << 8) - 1))
def test_whole_schedules_seeded_by_shares_start_with_each_households_nearest(
    data: Any, n: int, g: int, weekend: int
) -> None:
    # Given the LP of nights' last fractional roster, every household with a schedule in
    # its window has a first column of the most weight where a night weighs its share
    # less _SHARE_SEED (found by brute force over its schedules)
    from app.rostering import solver

    weekend &= (1 << n) - 1
    masks, ranges, cap, options, month = data.draw(small_rts(n, g, weekend))
    solver._WORK.start(float("inf"))
    try:
        nights = solver._Relaxation(masks, n, g, cap, weekend)
        nights.fill()
        shares = nights.share_grid()
        by_key = nights.shares()
        schedules = solver._Schedules(month, ranges, 0, [], {}, None, nights)  # type: ignore[arg-type]
        schedules.solver  # noqa: B018 (built on first use)
    finally:
        solver._WORK.forget()
    if shares is None:
        # no LP solved: no household is free on a night
        assert not nights.ncol
        return
    # the grid holds the LP's shares, nights by households
    assert shares.shape == (n, len(masks))
    for d in range(n):
        for h in range(len(masks)):
            assert shares[d, h] == by_key.get((h, d), 0.0)

    def weight(h: int, s: int) -> float:
        return sum(shares[d, h] - solver._SHARE_SEED for d in range(n) if s >> d & 1)

    columns = _columns_by_household(schedules)
    for h, opts in enumerate(options):
        if not opts:
            assert h not in columns
            continue
        assert all(s in opts for s in columns[h])
        best = max(weight(h, s) for s in opts)
        assert max(weight(h, s) for s in columns[h]) == pytest.approx(best, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(2, 8), st.integers(1, 3), st.integers(0, (1 << 8) - 1))
def test_a_refuted_windows_multipliers_refute_only_windows_without_a_roster(
    data: Any, n: int, g: int, weekend: int
) -> None:
    # the multipliers kept from one window whole schedules refuted (_Schedules._cut_off)
    # against every combination of the schedules of another window of the same RT
    from app.rostering import solver

    weekend &= (1 << n) - 1
    masks, first = data.draw(households_in_windows(n, 3))
    cap = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    month = _small_month(masks, n, g, weekend, cap)
    second = data.draw(windows(len(masks)))
    totals = [data.draw(st.integers(0, 2 * n)) for _ in range(2)]
    cuts: list[Any] = []
    solver._WORK.start(float("inf"))
    try:
        refuted = solver._Schedules(month, first, totals[0], [], {}, cuts)  # type: ignore[arg-type]
        if refuted.fits(float("inf")) is not False:
            return
        assert len(cuts) == 1
        other = solver._Schedules(month, second, totals[1], [], {}, cuts)  # type: ignore[arg-type]
        cut_off = other._cut_off()
        fits = other.fits(float("inf"))
    finally:
        solver._WORK.forget()
    if cut_off:
        # refuted without its LP: none was built
        assert fits is False
        assert other.lp is None
        assert not _has_roster(masks, second, totals[1], n, g, weekend, cap)
    else:
        assert other.lp is not None


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(2, 8), st.integers(1, 3), st.integers(0, (1 << 8) - 1))
def test_the_lp_certificates_multipliers_refute_only_windows_without_a_roster(
    data: Any, n: int, g: int, weekend: int
) -> None:
    # the nights' and all shifts' multipliers of the LP of nights' certificate of one
    # refuted check (_Relaxation.cut_off), priced exactly on another window, against
    # every combination of that window's schedules
    from app.rostering import solver

    weekend &= (1 << n) - 1
    masks, first = data.draw(households_in_windows(n, 3))
    cap = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    second = data.draw(windows(len(masks)))
    totals = [data.draw(st.integers(0, 2 * n)) for _ in range(2)]
    month = _small_month(masks, n, g, weekend, cap)
    solver._WORK.start(float("inf"))
    try:
        relaxation = solver._Relaxation(masks, n, g, cap, weekend)
        relaxation.fill()  # the checks are warm, as in a solve: the dual simplex has a ray
        counts, weeks = [(a, b) for a, b, _, _ in first], [(a, b) for _, _, a, b in first]
        if relaxation.feasible(counts, weeks, totals[0]) or not relaxation.cuts:
            return
        # each household's schedules priced exactly are no weaker than its rows in the
        # LP: the certificate's own window is refuted so too
        assert relaxation.cut_off(month, first, totals[0])
        cut_off = relaxation.cut_off(month, second, totals[1])
    finally:
        solver._WORK.forget()
    if cut_off:
        assert not _has_roster(masks, second, totals[1], n, g, weekend, cap)


def _has_roster(
    masks: list[int],
    windows: list[tuple[int, int, int, int]],
    total: int,
    n: int,
    g: int,
    weekend: int,
    cap: list[int],
) -> bool:
    """Is there a roster of ``total`` shifts within ``windows``, by every combination of
    the households' schedules?"""
    options = _options(masks, windows, n, g, weekend)
    return any(_is_roster(combo, total, n, cap) for combo in itertools.product(*options))


def _options(
    masks: list[int], windows: list[tuple[int, int, int, int]], n: int, g: int, weekend: int
) -> list[list[int]]:
    """Each household's schedules within its window."""
    return [
        [s for s in _schedules_of(m, n, g) if _in_window(s, w, weekend)]
        for m, w in zip(masks, windows, strict=True)
    ]


def _is_roster(schedules: tuple[int, ...], total: int, n: int, cap: list[int]) -> bool:
    """Do the households' ``schedules`` add up to ``total`` shifts, no night over its team?"""
    return sum(s.bit_count() for s in schedules) == total and all(
        sum(s >> d & 1 for s in schedules) <= cap[d] for d in range(n)
    )


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(3, 9), st.integers(1, 3), st.integers(0, (1 << 9) - 1))
def test_the_search_for_the_last_households_finds_a_roster_exactly_where_one_exists(
    data: Any, n: int, g: int, weekend: int
) -> None:
    # _Schedules._complete (the dive's search for its last few households) against
    # every combination of their schedules, with one household fixed: given room
    # for the search to end, it finds a roster where one exists, and says none
    # exists only where none does
    import numpy

    from app.rostering import solver

    weekend &= (1 << n) - 1
    masks = data.draw(st.lists(st.integers(0, (1 << n) - 1), min_size=2, max_size=5))
    # each household's window around one of its schedules, so that it has one
    drawn = [data.draw(st.sampled_from(_schedules_of(m, n, g))) for m in masks]
    ranges = []
    for s in drawn:
        c, w = s.bit_count(), (s & weekend).bit_count()
        c_lo, w_lo = data.draw(st.integers(0, c)), data.draw(st.integers(0, w))
        ranges.append(
            (c_lo, c + data.draw(st.integers(0, 2)), w_lo, w + data.draw(st.integers(0, 1)))
        )
    options = [
        [s for s in _schedules_of(m, n, g) if _in_window(s, w, weekend)]
        for m, w in zip(masks, ranges, strict=True)
    ]
    cap = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    total = data.draw(st.integers(0, 2 * n))
    if data.draw(st.booleans()):
        # half the time a window with a roster: the total and the teams of the drawn one
        total = sum(s.bit_count() for s in drawn)
        cap = [max(c, sum(s >> d & 1 for s in drawn)) for d, c in enumerate(cap)]
    first = data.draw(st.sampled_from(options[0]))
    month = _small_month(masks, n, g, weekend, cap)

    def fits(schedules: tuple[int, ...]) -> bool:
        return sum(s.bit_count() for s in schedules) == total and all(
            sum(s >> d & 1 for s in schedules) <= cap[d] for d in range(n)
        )

    exists = any(fits((first, *combo)) for combo in itertools.product(*options[1:]))
    solver._WORK.start(float("inf"))
    try:
        schedules = solver._Schedules(month, ranges, total, [], {})  # type: ignore[arg-type]
        # (after the first columns ``_Schedules`` starts with)
        schedules._add([(0, first)])
        schedules._fix(0, len(schedules.cols) - 1)
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(solver, "_COMPLETE_NODES", 10**6)
            rest = schedules._complete(numpy.zeros(len(schedules.cols)))
    finally:
        solver._WORK.forget()
    assert rest is not None
    if rest is False:
        assert not exists
    else:
        assert exists
        landed = dict(rest)
        assert sorted(landed) == list(range(1, len(masks)))
        combo = (first, *(landed[h] for h in range(1, len(masks))))
        assert all(s in opts for s, opts in zip(combo, options, strict=True))
        assert fits(combo)


@given(st.integers(0, (1 << 64) - 1))
def test_a_masks_nights_are_its_bits_in_order(mask: int) -> None:
    # _days reads a month's masks a byte at a time from tables (longer ones bit by bit)
    from app.rostering import solver

    for part in (mask & 0xFF, mask & 0xFFFF_FFFF, mask >> 33, mask):
        assert solver._days(part) == [d for d in range(part.bit_length()) if part >> d & 1]
