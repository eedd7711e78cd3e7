"""The fairness solver: one RT, one month (see roster-problem.md).

Pure: no database, no I/O, no wall clock (a monotonic timer only caps a run far over budget).

How it works.  A household's shifts are a bitmask of the month's days.

1. Construction.  A greedy pass builds a valid roster night by night, least
   loaded first.  When places stay empty, other constructions compete: one that
   first takes households who would lose a possible shift by waiting; a dive
   from the LP relaxation (below) at the most places it allows; restarts whose
   tie-breaks derive from the seed; and, with night prices from the LP (its
   duals), price-guided variants.
2. Local search, in the order of the figures.  Moves keep every hard rule by
   construction (and are re-checked before they are kept):
   *chains* (a place is vacated, a household moves into it from a night that
   conflicts or that it gives up, and so on, until a household takes the last
   place without conflict; found by breadth-first search over nights);
   whole-schedule *re-plans* by dynamic programming; *segment swaps* (two
   households exchange their shifts on a run of nights, which shifts a rhythm
   packed ``min_gap_days`` apart); *re-phasing* a household with a bipartite
   matching that re-seats the households it displaces; and a small seeded
   large-neighbourhood search.
3. Aiming.  Where a short local search stalls above the bounds, the
   narrowest windows of loads and weekend loads the bounds leave open are
   tried in turn (``_dived``) with whole schedules as columns
   (``_Schedules``): column generation, each household's best schedule within
   its window priced by a DP over its nights, either refutes the window (the
   LP of whole schedules is stronger than the LP of nights below, and the
   refutation raises the bounds) or is dived, whole schedules fixed, largest
   share first, until every household has one.  Where neither settles the
   window, the LP of nights is dived instead: its largest shares fixed to
   whole shifts and re-solved until the roster is whole; where no dive lands,
   the first window's fractional roster is rounded night by night.
   Steering.  Counting households at the extremes cannot reward the moves
   that narrow a weekend spread when a whole extreme must move (1 to 0: every
   household at one end).  So the weekend search takes, for the next spread
   down, a window of weekend loads the bounds leave open as its target,
   measures how far weekend loads lie outside it, and moves the households
   outside it (also by re-building a group night by night toward per-household
   windows).
4. Lower bounds.  The LP relaxation (``_Relaxation``, solved by HiGHS): a
   variable per available (household, night), at most one shift in any
   ``min_gap_days`` consecutive days of a household (an interval matrix, so
   each household's part is exactly the hull of its schedules), night
   capacities.  Unfilled: its optimum.  Spread: water-filling of loads between
   priors and per-household maxima, refined by asking the LP, window by window,
   for a fractional roster with the optimal fill and loads in the window (and,
   in the dives, whole schedules, every window of a width: ``_loads_fit``).
   Weekend spread: for each window of loads and of weekend loads, each household
   keeps the shift counts whose exact range of weekend nights (its own
   schedules, by DP) meets the weekend window; those counts must add up to the
   (proved) optimal fill, as ranges, then past the certificates of the LP's
   refutations; a window left open is settled in the LP of whole schedules (by
   the dives, or by the bound itself where the LP of nights is not built), and
   what that refutes is remembered.  When the figures equal the bounds, the
   roster is proved optimal.
5. Budget.  The search reads its time off a work clock (``_Work``): units of
   work counted where it is done, each under a microsecond on the benchmark's
   machine.  A run cut short by the budget stops at the same step on any
   machine and under any load, so the same input and seed always give the same
   roster; ``bench/bench_solver.py`` prints how the clock fits the wall.
"""

from __future__ import annotations

import bisect
import calendar
import collections
import functools
import importlib
import itertools
import math
import operator
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal


class _OnFirstUse:
    """Stands for module ``name`` in this module's globals until an attribute of it is
    first read: then imports it (thread-safe, as any import) and puts the module in its
    place.  Most RTs are solved without an LP or whole schedules, and ``ronda roster
    solve`` then starts without NumPy and HiGHS (0.1 s of its 0.14 s on the wall)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attr: str) -> Any:
        started = time.perf_counter()
        module = importlib.import_module(self.name)
        globals()[self.name] = module
        # the import is no part of the solve under way (NumPy's alone took 50-70 ms, more
        # than the wall limit of a budget of 0.01 s): that solve's wall limit moves past
        # it, and its answer is the one the same budget gives with the modules loaded
        _WORK.wall_limit += time.perf_counter() - started
        return getattr(module, attr)


if TYPE_CHECKING:
    import highspy
    import numpy
else:
    highspy = _OnFirstUse("highspy")
    numpy = _OnFirstUse("numpy")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ProblemError(ValueError):
    """An input that roster-problem.md refuses; ``field`` names where it is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Household:
    """One household of the RT, as roster-problem.md describes it."""

    id: str
    exempt: bool = False
    unavailable: frozenset[date] = frozenset()
    prior_shifts: int = 0
    prior_weekend_shifts: int = 0
    last_shift_date: date | None = None


@dataclass(frozen=True)
class Problem:
    """One RT and one month; build it with ``parse_problem`` to have it validated."""

    year: int
    month: int
    team_size: int
    households: tuple[Household, ...]
    team_size_by_weekday: Mapping[str, int] = field(default_factory=dict)
    team_size_by_date: Mapping[date, int] = field(default_factory=dict)
    min_gap_days: int = 1
    weekend_nights: frozenset[str] = frozenset({"fri", "sat"})
    seed: int = 0

    @property
    def dates(self) -> list[date]:
        """Every date of the month, in order."""
        ndays = calendar.monthrange(self.year, self.month)[1]
        return [date(self.year, self.month, day) for day in range(1, ndays + 1)]

    def team_size_on(self, day: date) -> int:
        """Team size of the night starting on ``day`` (date override, weekday, default)."""
        if day in self.team_size_by_date:
            return self.team_size_by_date[day]
        return self.team_size_by_weekday.get(WEEKDAYS[day.weekday()], self.team_size)

    def to_json(self) -> dict[str, Any]:
        """The problem as roster-problem.md JSON (round-trips through parse_problem)."""
        return {
            "month": f"{self.year:04d}-{self.month:02d}",
            "team_size": self.team_size,
            "team_size_by_weekday": dict(self.team_size_by_weekday),
            "team_size_by_date": {d.isoformat(): n for d, n in self.team_size_by_date.items()},
            "min_gap_days": self.min_gap_days,
            "weekend_nights": [w for w in WEEKDAYS if w in self.weekend_nights],
            "households": [
                {
                    "id": h.id,
                    "exempt": h.exempt,
                    "unavailable": sorted(d.isoformat() for d in h.unavailable),
                    "prior_shifts": h.prior_shifts,
                    "prior_weekend_shifts": h.prior_weekend_shifts,
                    "last_shift_date": h.last_shift_date.isoformat() if h.last_shift_date else None,
                }
                for h in self.households
            ],
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Figures:
    """The three fairness figures, in their order of priority."""

    unfilled: int
    spread: int
    weekend_spread: int

    def as_dict(self) -> dict[str, int]:
        """The three figures keyed as in roster-problem.md."""
        return {
            "unfilled": self.unfilled,
            "spread": self.spread,
            "weekend_spread": self.weekend_spread,
        }


@dataclass(frozen=True)
class Solution:
    """A valid roster, its figures, lower bounds on the optimum's, and the proof flag."""

    nights: tuple[tuple[date, tuple[str, ...]], ...]
    metrics: Figures
    bounds: Figures
    proved_optimal: bool

    def to_json(self) -> dict[str, Any]:
        """The solution JSON of roster-problem.md, plus the bounds and the proof flag."""
        return {
            "nights": [
                {"date": day.isoformat(), "households": list(ids)} for day, ids in self.nights
            ],
            "metrics": {**self.metrics.as_dict(), "violations": 0},
            "bounds": self.bounds.as_dict(),
            "proved_optimal": self.proved_optimal,
        }


# --- parsing -----------------------------------------------------------------


def _int(value: Any, where: str, minimum: int | None = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(where, "must be an integer")
    if minimum is not None and value < minimum:
        raise ProblemError(where, f"must be >= {minimum}, got {value}")
    return value


def _absent(value: Any, default: Any) -> Any:
    """``default`` where a field is left out or null; what is given stays as given (an
    empty string or ``false`` for a count is refused, not read as 0)."""
    return default if value is None else value


def _date(value: Any, where: str) -> date:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ProblemError(where, f"must be a date YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ProblemError(where, f"is not a valid date: {value!r}") from None


def _dates(values: Any, where: str) -> frozenset[date]:
    """The dates of the list ``values``; an error names the first bad entry.  (Checked
    one by one without naming each, unless it is bad: RTs list a few hundred dates.)"""
    found = set()
    for j, text in enumerate(_list(_absent(values, []), where)):
        if isinstance(text, str) and _DATE_RE.match(text):
            try:
                found.add(date.fromisoformat(text))
                continue
            except ValueError:
                pass
        found.add(_date(text, f"{where}[{j}]"))  # raises, naming the entry
    return frozenset(found)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ProblemError(where, "must be an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    """``value``, a list; null is refused too (``_absent`` reads it as left out where
    the checker does)."""
    if not isinstance(value, list):
        raise ProblemError(where, "must be a list")
    return value


def parse_problem(data: Mapping[str, Any]) -> Problem:
    """Validate roster-problem.md JSON and build a Problem; raise ProblemError naming the field."""
    if not isinstance(data, Mapping):
        raise ProblemError("problem", "must be a JSON object")
    month_text = data.get("month")
    match = _MONTH_RE.match(month_text) if isinstance(month_text, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise ProblemError("month", f"must be YYYY-MM, got {month_text!r}")
    year, month = int(match.group(1)), int(match.group(2))
    first = date(year, month, 1)

    if "team_size" not in data:
        raise ProblemError("team_size", "is required")
    team_size = _int(data["team_size"], "team_size", 1)

    by_weekday: dict[str, int] = {}
    for key, value in _mapping(data.get("team_size_by_weekday"), "team_size_by_weekday").items():
        if key not in WEEKDAYS:
            raise ProblemError(
                f"team_size_by_weekday.{key}", f"unknown weekday; use one of {', '.join(WEEKDAYS)}"
            )
        by_weekday[key] = _int(value, f"team_size_by_weekday.{key}")

    by_date: dict[date, int] = {}
    for key, value in _mapping(data.get("team_size_by_date"), "team_size_by_date").items():
        by_date[_date(key, f"team_size_by_date.{key}")] = _int(value, f"team_size_by_date.{key}")

    min_gap = _int(data.get("min_gap_days", 1), "min_gap_days")

    raw_weekend = data.get("weekend_nights", ["fri", "sat"])
    weekend: set[str] = set()
    for i, key in enumerate(_list(raw_weekend, "weekend_nights")):
        if key not in WEEKDAYS:
            raise ProblemError(
                f"weekend_nights[{i}]", f"unknown weekday {key!r}; use one of {', '.join(WEEKDAYS)}"
            )
        weekend.add(key)

    if "households" not in data:
        raise ProblemError("households", "is required")
    households: list[Household] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(data["households"], "households")):
        where = f"households[{i}]"
        if not isinstance(raw, Mapping):
            raise ProblemError(where, "must be an object")
        hid = raw.get("id")
        if not isinstance(hid, str) or not hid:
            raise ProblemError(f"{where}.id", "must be a non-empty string")
        if hid in seen:
            raise ProblemError(f"{where}.id", f"duplicate household id {hid!r}")
        seen.add(hid)
        exempt = _absent(raw.get("exempt"), False)
        if not isinstance(exempt, bool):
            raise ProblemError(f"{where}.exempt", "must be true or false")
        unavailable = _dates(raw.get("unavailable"), f"{where}.unavailable")
        prior = _int(_absent(raw.get("prior_shifts"), 0), f"{where}.prior_shifts")
        prior_weekend = _int(
            _absent(raw.get("prior_weekend_shifts"), 0), f"{where}.prior_weekend_shifts"
        )
        if prior_weekend > prior:
            raise ProblemError(
                f"{where}.prior_weekend_shifts",
                f"must not exceed prior_shifts ({prior_weekend} > {prior})",
            )
        last_raw = raw.get("last_shift_date")
        last = None if last_raw is None else _date(last_raw, f"{where}.last_shift_date")
        if last is not None and last >= first:
            raise ProblemError(
                f"{where}.last_shift_date", f"must be before the month ({last.isoformat()})"
            )
        households.append(Household(hid, exempt, unavailable, prior, prior_weekend, last))

    seed = _int(_absent(data.get("seed"), 0), "seed", None)
    return Problem(
        year=year,
        month=month,
        team_size=team_size,
        households=tuple(households),
        team_size_by_weekday=by_weekday,
        team_size_by_date=by_date,
        min_gap_days=min_gap,
        weekend_nights=frozenset(weekend),
        seed=seed,
    )


# --- the work clock ------------------------------------------------------------


class _Work(threading.local):
    """What the solver has done so far, in units of work of about ``_UNIT_S`` seconds
    each on the machine they were measured on (the benchmark's).  The search reads the time
    off this clock, not off the wall: the same input and seed stop at the same step
    on any machine, under any load, so the answer is the same.  Only a run slower
    than ``_WALL_FACTOR`` times its budget on the wall is cut short there.
    """

    units = 0
    wall_limit = math.inf
    # the budget's end on this clock, in units: no LP solve runs past it (see _Relaxation._run)
    budget = math.inf
    # the LP relaxation of the problem being solved (see _Engine.relaxation)
    relaxation: _Relaxation | None = None
    # the problem being solved and its nights and households (see _month)
    month: tuple[Problem, _Month] | None = None

    def start(self, wall_limit: float, budget: float = math.inf) -> None:
        """A new solve of ``budget`` units: no work done yet, and nothing kept from
        another problem."""
        self.units = 0
        self.wall_limit = wall_limit
        self.budget = budget
        self.forget()

    def forget(self) -> None:
        """Drop what was kept for the problem of the last solve (its units stay, for
        the benchmark to read)."""
        self.relaxation = None
        self.month = None


_WORK = _Work()
# seconds per unit, fitted so that runs the budget cuts take about the budget on the
# benchmark's machine; bench/bench_solver.py prints the fit of the clock to the wall.
# The units' relative costs fit (LP set-up, cold and warm solves and the local search
# all ran at 0.40-0.46 wall ms per counted ms at 0.7e-6), so only the scale was refit:
# at 0.7e-6 a 200 ms budget stopped runs after 80-130 ms, and crowded RTs lost their
# optimum for want of the time left (bench: 0.77 wall per counted ms at 0.35e-6).
_UNIT_S = 0.35e-6
_WALL_FACTOR = 3.0


def _clock() -> float:
    """The solver's time, in seconds of counted work (infinite past the wall limit)."""
    work = _WORK
    if time.perf_counter() > work.wall_limit:
        return math.inf
    return work.units * _UNIT_S


def _spend(units: int) -> None:
    _WORK.units += units


# --- one household's schedules (bitmasks of the month's nights) -----------------


# per byte of a mask of nights (the first four: months have at most 31 nights), the
# nights each of its 256 values holds
_BYTE_NIGHTS = [[[8 * k + i for i in range(8) if b >> i & 1] for b in range(256)] for k in range(4)]


def _bit_counts(masks: list[int], n: int) -> list[int]:
    """Per bit 0 to n - 1, how many of ``masks`` have it set.  Each mask's bits are
    spread into fields of one int, a byte at a time from tables (``_spread_bytes``), and
    the fields added all at once: NumPy's sum without importing NumPy (see
    ``_on_first_use``), in 60 microseconds on 200 households."""
    width = max(1, len(masks)).bit_length()
    total = 0
    for k, table in enumerate(_spread_bytes(width)):
        shift = 8 * k
        if n > shift:
            total += sum(table[(mask >> shift) & 255] for mask in masks)
    field = (1 << width) - 1
    return [(total >> (d * width)) & field for d in range(n)]


@functools.cache
def _spread_bytes(width: int) -> list[list[int]]:
    """Per byte k of a mask (the first four: months have at most 31 nights) and each of
    its 256 values, its bits spread to fields ``width`` bits wide: bit i of byte k to
    the field of bit 8k + i."""
    return [
        [sum(1 << ((8 * k + i) * width) for i in range(8) if b >> i & 1) for b in range(256)]
        for k in range(4)
    ]


def _days(mask: int) -> list[int]:
    """The nights of ``mask``, in order: a byte at a time, from tables (half the time of
    bit by bit, and the search asks it tens of thousands of times a solve)."""
    if mask >> 32:
        days = []
        while mask:
            low = mask & -mask
            days.append(low.bit_length() - 1)
            mask ^= low
        return days
    first, second, third, fourth = _BYTE_NIGHTS
    return (
        first[mask & 255] + second[mask >> 8 & 255] + third[mask >> 16 & 255] + fourth[mask >> 24]
    )


def _clash(outside: int, inside: int, win: list[int]) -> bool:
    """Does a shift of ``outside`` fall within the gap of one of ``inside``, a run's
    shifts with none of ``outside`` between them?  Only the run's first and last can."""
    if not inside:
        return False
    first, last = (inside & -inside).bit_length() - 1, inside.bit_length() - 1
    return bool(outside & (win[first] | win[last]))


def _most_shifts(mask: int, g: int) -> int:
    """The most shifts ``g`` days apart on the nights of ``mask``: the earliest night,
    then the earliest ``g`` days on, and so on (bit by bit)."""
    if g == 1:
        return mask.bit_count()
    count = 0
    while mask:
        count += 1
        mask &= -((mask & -mask) << g)  # drop the nights before g days on
    return count


def _spaced(mask: int, g: int) -> bool:
    """Are the shifts of ``mask`` at least ``g`` days apart (no shift k < g days after
    another)?"""
    return not any(mask & (mask >> k) for k in range(1, g))


def _each_most_shifts(masks: list[int], g: int) -> list[int]:
    """``_most_shifts`` of each of ``masks``, once per distinct mask (most households
    of a loose RT are free on the same nights)."""
    most: dict[int, int] = {}
    for mask in masks:
        if mask not in most:
            most[mask] = _most_shifts(mask, g)
    return [most[mask] for mask in masks]


def _weekend_range(mask: int, n: int, g: int, weekend_mask: int) -> list[tuple[int, int]]:
    """For each count c of valid schedules on ``mask`` (shifts ``g`` days apart), the
    fewest and most weekend nights among them.

    A DP from the month's end over the sets of (count, weekend nights) pairs the
    schedules from each day on reach, each set a bitset (bit c * stride + w): a day
    adds to the set of the next day that of g days on, shifted one count up (and
    one weekend night, on a weekend night).  No count below the most is empty
    (drop a shift and a schedule stays valid), so the table has no gaps.
    """
    stride = n + 1  # more weekend nights than any schedule has
    rows = [1] * (n + g)  # past the month's end: no shift, no weekend night
    for i in range(n - 1, -1, -1):
        if mask >> i & 1:
            rows[i] = rows[i + 1] | rows[i + g] << (stride + (weekend_mask >> i & 1))
        else:
            rows[i] = rows[i + 1]
    reached, count_bits = rows[0], (1 << stride) - 1
    table = []
    while reached:
        weekends = reached & count_bits
        table.append(((weekends & -weekends).bit_length() - 1, weekends.bit_length() - 1))
        reached >>= stride
    return table


# --- the LP relaxation (HiGHS) -----------------------------------------------------


def _free_nights(avail: list[int], n: int) -> numpy.ndarray:
    """Per household (row) and night (column), 1 where it is free (``avail``'s bits)."""
    return (numpy.array(avail, dtype=numpy.int64)[:, None] >> numpy.arange(n)) & 1


def _columns(
    avail: list[int], n: int, g: int, weekend: int
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray, int]:
    """The LP's columns, one per available (household, night) by household then night,
    and their rows (see ``_Relaxation``): households, nights, starts and row indices
    of the column-wise matrix (all ones), and the number of rows.

    A column's rows: its night, its household's shifts, all shifts, its household's
    weekend shifts (on a weekend night), then the gap windows holding it.  A gap
    window is a maximal run of a household's available nights less than ``g`` days
    apart from its first, the next window starting a night later and ending later
    (a window the previous one covers is left out): at most one shift in each.
    """
    hcount = len(avail)
    free = _free_nights(avail, n)
    hs, ds = numpy.nonzero(free)
    ncol = len(hs)
    total_row = n + 2 * hcount
    col = numpy.arange(ncol)
    # each column's window ends at the household's last column less than g days on
    key = hs * (n + g + 1) + ds
    end = numpy.searchsorted(key, key + g) - 1
    # the window from the household's previous night covers it when it reaches as far
    covered = numpy.zeros(ncol, dtype=bool)
    covered[1:] = (hs[1:] == hs[:-1]) & (ds[:-1] + g > ds[end[1:]])
    kept = (end > col) & ~covered
    # the windows holding a column: those from the first not ending before it to the
    # last starting at or before it (both ends rise)
    high = numpy.cumsum(kept)
    low = numpy.searchsorted(end[kept], col)
    held = high - low
    wk = (weekend >> ds) & 1
    starts = numpy.zeros(ncol + 1, dtype=numpy.int64)
    numpy.cumsum(3 + wk + held, out=starts[1:])
    index = numpy.empty(starts[-1], dtype=numpy.int64)
    first = starts[:-1]
    index[first] = ds
    index[first + 1] = n + hs
    index[first + 2] = total_row
    on_weekend = numpy.flatnonzero(wk)
    index[first[on_weekend] + 3] = n + hcount + hs[on_weekend]
    owner = numpy.repeat(col, held)
    offset = numpy.zeros(ncol, dtype=numpy.int64)
    numpy.cumsum(held[:-1], out=offset[1:])
    nth = numpy.arange(len(owner)) - offset[owner]
    index[first[owner] + 3 + wk[owner] + nth] = total_row + 1 + low[owner] + nth
    return hs, ds, starts, index, total_row + 1 + int(kept.sum())


# a window's refutation: the multipliers of the nights (at most 0) and of all shifts
# (see ``_cut_off``)
_Cut = tuple["numpy.ndarray", float]

_Check = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...] | None, int]


def _check(
    counts: list[tuple[int, int]], weekend: list[tuple[int, int]] | None, total: int
) -> _Check:
    """The key a check of the LPs is remembered by (see ``_Relaxation.feasible``)."""
    return tuple(counts), tuple(weekend) if weekend is not None else None, total


def _refuted(
    rays: numpy.ndarray,
    fixed: numpy.ndarray,
    top: numpy.ndarray,
    lower: numpy.ndarray,
    upper: numpy.ndarray,
) -> numpy.ndarray:
    """Which certificates (rows of ``rays``, multipliers of the rows whose bounds are
    ``lower``/``upper``; ``fixed``, ``top`` as ``_Relaxation`` keeps them) refute those
    bounds: the least y.Ax the rows allow exceeds the most the columns allow."""
    pos, neg = rays > 0, rays < 0
    unbounded = ((pos & numpy.isinf(lower)) | (neg & numpy.isinf(upper))).any(axis=1)
    least = fixed + (
        numpy.where(pos, rays * numpy.where(numpy.isinf(lower), 0.0, lower), 0.0)
        + numpy.where(neg, rays * numpy.where(numpy.isinf(upper), 0.0, upper), 0.0)
    ).sum(axis=1)
    # far above the rounding of these sums, far below the integral data's steps
    margin = 1e-6 * (1.0 + numpy.abs(least) + numpy.abs(top))
    refuted: numpy.ndarray = ~unbounded & (top < least - margin)
    return refuted


# HiGHS instances whole schedules' windows are done with (``_Schedules.__del__``), for
# the next windows: a new one takes 70-115 us on the wall, one cleared 5 (1 in 200 of
# the reference RTs' wall)
_SPARE: list[highspy._core._Highs] = []
_SPARE_MOST = 8


def _highs() -> highspy._core._Highs:
    """A quiet HiGHS on one thread, without presolve (the LPs here are re-solved warm)."""
    try:
        solver = _SPARE.pop()
    except IndexError:
        solver = highspy._core._Highs()  # the plain core: highspy.Highs() prints a banner
    else:
        solver.clearModel()
        solver.resetOptions()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", 1)
    solver.setOptionValue("presolve", "off")
    return solver


def _iterations(solver: highspy._core._Highs) -> int:
    """The simplex iterations of ``solver``'s last run.  (One info value, not
    ``getInfo()``, which copies all of HiGHS's info: 13 microseconds, not 2, and
    this is asked after every run.  For the objective, ``getObjectiveValue``.)"""
    return max(0, int(solver.getInfoValue("simplex_iteration_count")[1]))


class _Relaxation:
    """The roster's LP relaxation, solved by HiGHS: the strongest of the bounds.

    One variable per available (household, night) in [0, 1]; at most one shift in
    each of a household's gap windows (an interval matrix: its schedules' hull
    exactly); at most ``cap`` on each night.  Rows for each household's shifts,
    its weekend shifts, and all shifts carry the windows a check asks about
    (free when unasked).  Two more columns, the floors of the loads and of the
    weekend loads, stand at 0 until ``within`` frees them.  The model is built
    once; checks change bounds and re-solve from the last basis, except that the
    basis from before a refuted check (see ``feasible``) or a dive (``dive``) is
    put back, and a first solve refuted leaves none (the next starts from
    scratch).  Every valid roster is a point of it, so a window it refutes holds
    no roster, and no roster fills more than ``fill()``.
    """

    def __init__(self, avail: list[int], n: int, g: int, cap: list[int], weekend: int) -> None:
        hcount = len(avail)
        self.n, self.hcount = n, hcount
        # rows: nights, then per household its shifts and weekend shifts, all shifts, windows
        total_row = n + 2 * hcount
        hs, ds, col_starts, col_index, row = _columns(avail, n, g, weekend)
        self.cols: list[tuple[int, int]] = list(zip(hs.tolist(), ds.tolist(), strict=True))
        self.col_h, self.col_d = hs, ds
        ncol = len(self.cols)
        # the floors of the loads and of the weekend loads: -1 in every household's
        # row of shifts, and of weekend shifts
        index = numpy.append(col_index, numpy.arange(n, n + 2 * hcount))
        starts = numpy.append(col_starts, [len(index) - hcount, len(index)])
        values = numpy.ones(len(index))
        values[len(values) - 2 * hcount :] = -1.0
        self.ncol, self.nrow = ncol, row
        # units fitted to HiGHS's time on the benchmark's machine, as the rest of the clock
        _spend(4 * (ncol + row))
        inf = highspy.kHighsInf
        lower = numpy.full(row, -inf)
        upper = numpy.ones(row)
        upper[:n] = cap
        upper[n : total_row + 1] = inf
        self.matrix = (starts[:-1], index, values)
        self.night_caps = numpy.array(cap, dtype=float)
        solver = _highs()
        # the model as flat arrays: HighsLp's fields copy theirs element by element, which
        # took half the build's time (0.6 of 1.2 ms on an RT of 36 households)
        status = solver.passModel(
            ncol + 2,
            row,
            len(index),
            int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMinimize),
            0.0,
            numpy.append(numpy.full(ncol, -1.0), [0.0, 0.0]),
            numpy.zeros(ncol + 2),
            numpy.append(numpy.ones(ncol), [0.0, 0.0]),
            lower,
            upper,
            starts[:-1].astype(numpy.int32),
            index.astype(numpy.int32),
            values,
            numpy.zeros(ncol + 2, dtype=numpy.int32),  # all continuous
        )
        if status != highspy.HighsStatus.kOk:  # never expected: the arrays are built above
            raise RuntimeError(f"HiGHS refused the roster's LP: {status}")
        # no bound perturbation in the primal simplex: the fill from scratch took 35% less
        # time on the bench's 91 tight and crowded RTs in about as many iterations, the
        # same optimum; 1.8% less work on the 745 reference RTs, 1.2% on 1,600 fresh ones,
        # the same answers.  Whole schedules' LPs keep it: off there too, 2 of the fresh
        # RTs missed their optimum within the budget
        solver.setOptionValue("primal_simplex_bound_perturbation_multiplier", 0.0)
        # Devex pricing in the dual simplex, not steepest edge: steepest edge's weights
        # are computed afresh (a solve with the basis matrix per row) whenever the last
        # solve was the primal's or a basis was put back, which is most warm solves
        # here.  11% less time in this LP's solves on the 745 reference RTs in about as
        # many iterations (1% more), the same answers.  Whole schedules' LPs keep steepest
        # edge: their dual solves took more iterations under Devex and no less time
        solver.setOptionValue("simplex_dual_edge_weight_strategy", 1)
        self.solver = solver
        self.cold = True  # no basis yet
        # from scratch on the LP of a tight RT (places at least about half of what
        # the households could serve, a night in g of those they are free) the
        # primal simplex is the faster, by a third to four fifths; on others, and
        # from a basis whose bounds moved, the dual
        self.primal_start = 2 * g * sum(max(0, c) for c in cap) >= ncol
        self.strategy = 1  # HiGHS's simplex_strategy (1: the dual, 4: the primal)
        self.limit: int | None = None  # its simplex_iteration_limit (None: none)
        # (width, k or -1, total) that ``within`` left open
        self.unrefuted: set[tuple[int, int, int]] = set()
        # the checks ``feasible`` refuted: the bounds and the dives ask some again
        self.refuted: set[_Check] = set()
        # Farkas certificates of the checks HiGHS refuted (see _refutes): per
        # certificate its multipliers of the household rows and the row of all
        # shifts, the part of its least y.Ax that the other rows fix, and the most
        # y.Ax the columns allow
        self.rays = numpy.zeros((0, 2 * hcount + 1))
        self.ray_fixed = numpy.zeros(0)
        self.ray_top = numpy.zeros(0)
        # the shares of the last dive's last solve (see dive, shares)
        self.dived: numpy.ndarray | None = None
        # the nights' and all shifts' multipliers of those certificates
        self.cuts: list[_Cut] = []

    def _run(self, limit: int | None = None, fill: bool = False) -> highspy.HighsModelStatus:
        """Solve from the last basis, in at most ``limit`` iterations and never past
        the budget's end on the work clock: the iterations left to it are those the
        units left pay for, and with none left it does not run (a solve started near
        the budget's end took up to a sixth of a 200 ms budget more, two fifths of a
        50 ms one).  A solve stopped so ends neither optimal nor refuted: a check it
        stops is not refuted, a dive fails.

        From scratch, the primal simplex only for the ``fill`` of a tight RT (see
        ``primal_start``): a check from scratch (where the construction built no LP
        and a dive asks the LP of nights) has rows bounded to its window, and the
        primal took 1,682 iterations and 72 ms on the wall for one of bench crowded
        45, charged as 11 ms."""
        primal = self.cold and fill and self.primal_start
        if _WORK.budget < math.inf:
            cap = self._iterations_for(int(_WORK.budget - _WORK.units), primal)
            if cap == 0:
                return highspy.HighsModelStatus.kIterationLimit
            limit = cap if limit is None else min(limit, cap)
        # HiGHS's time limit is on its own clock, which adds up the time of every run of
        # this model: the wall time left is counted from what it has run so far
        left = max(0.001, _WORK.wall_limit - time.perf_counter())
        self.solver.setOptionValue("time_limit", self.solver.getRunTime() + left)
        strategy = 4 if primal else 1
        if strategy != self.strategy:
            self.solver.setOptionValue("simplex_strategy", strategy)
            self.strategy = strategy
        if limit != self.limit:
            value = highspy.kHighsIInf if limit is None else limit
            self.solver.setOptionValue("simplex_iteration_limit", value)
            self.limit = limit
        self.solver.run()
        # HiGHS counts the iterations of each run on its own
        iterations = _iterations(self.solver)
        _spend(self._units(iterations, self.cold, primal))
        self.cold = False
        return self.solver.getModelStatus()

    def _rates(self, cold: bool, primal: bool) -> tuple[int, int, int]:
        """What a solve costs on the work clock, fitted to HiGHS's time on the
        benchmark's machine: a set-up, then per iteration ``size`` units over
        ``divisor``.  From scratch a set-up and iterations cheaper than a warm
        solve's (the primal's cheaper still).

        The primal's from scratch refitted without its bound perturbation (see
        ``__init__``) to the wall per counted unit of the warm solves, 0.73 on the
        745 reference RTs: it had been charged at 0.45 before, 0.27 after (setup
        14000, size + 1000 over 90).  The same answers on those and on 1,600 fresh
        RTs, the same wall; a tenth less counted work, all in the charge."""
        size = self.ncol + self.nrow
        if not cold:
            return 2050, size, 12
        if primal:
            return 2000, size, 100
        return 19000, size + 1000, 67

    def _units(self, iterations: int, cold: bool, primal: bool) -> int:
        setup, size, divisor = self._rates(cold, primal)
        return setup + iterations * size // divisor

    def _iterations_for(self, units: int, primal: bool) -> int:
        """The most iterations the next solve may take for ``units`` (the inverse of
        ``_units``); 0 when they do not pay for its set-up."""
        setup, size, divisor = self._rates(self.cold, primal)
        return max(0, (units - setup) * divisor // size)

    def cold_cost(self) -> float:
        """About what a solve from scratch costs on the work clock, in seconds (the
        primal simplex takes about four iterations for five columns, the dual two
        for three)."""
        iterations = self.ncol * 4 // 5 if self.primal_start else self.ncol * 2 // 3
        return self._units(iterations, True, self.primal_start) * _UNIT_S

    def fill(self) -> tuple[float, list[float]] | None:
        """The most places a fractional roster fills, and each night's price (its
        dual); None if HiGHS stops early (past the wall limit or the budget)."""
        if not self.ncol:
            return 0.0, [0.0] * self.n
        if self._run(fill=True) != highspy.HighsModelStatus.kOptimal:
            return None
        value = -self.solver.getObjectiveValue()
        duals = self.solver.getSolution().row_dual
        return value, [max(0.0, -float(duals[d])) for d in range(self.n)]

    def feasible(
        self,
        counts: list[tuple[int, int]],
        weekend: list[tuple[int, int]] | None,
        total: int,
    ) -> bool:
        """Is there a fractional roster of ``total`` shifts, household h serving
        ``counts[h]`` shifts (and ``weekend[h]`` weekend ones)?  True if HiGHS
        stops early: what is not refuted may be feasible.  A refuted check is
        remembered: asked again, it is answered without a solve."""
        key = _check(counts, weekend, total)
        _spend(len(counts))
        if key in self.refuted:
            return False
        lower, upper = self.check_rows(counts, weekend, total)
        if not self._refutes(lower, upper):
            if self.cold:
                # a check from scratch (the LP first asked by a dive) comes from the
                # fill's basis: bench crowded 45's took 1,682 iterations of the primal
                # from scratch (72 ms on the wall), 1,263 of the dual (60 ms), and 648
                # for the fill then 302 for the check (29 ms)
                free = numpy.full(len(lower), highspy.kHighsInf)
                self._set_rows(-free, free)
                self._run(fill=True)
            self._set_rows(lower, upper)
            # where HiGHS proves a check infeasible, its basis is the ray's, far from any
            # roster: the next check started there took up to all the budget left (1,600
            # iterations on bench gap6-6) where the basis before it takes a few hundred.
            # So the basis before a refuted check is put back, and where the refuted
            # check was the first solve, the next starts from scratch: 5% less work on
            # the 525 reference RTs (three more optimal, one less) and 7% on 1,600 fresh
            # ones (bench/compare_solver.py: 10 better, 4 worse, 5 more proved).  HiGHS
            # still reports the refuted solve after a basis is put back; every later
            # solve changes bounds first, which clears that.
            basis = None if self.cold else self.solver.getBasis()
            if self._run() != highspy.HighsModelStatus.kInfeasible:
                return True
            self._keep_ray(lower, upper)
            if basis is not None:
                self._restore(basis)
            else:
                self.solver.clearSolver()
                self.cold = True
        self.refuted.add(key)
        return False

    def known_refuted(
        self, counts: list[tuple[int, int]], weekend: list[tuple[int, int]] | None, total: int
    ) -> bool:
        """Is the check ``feasible`` would ask refuted already, or by a kept certificate?"""
        _spend(len(counts))
        if _check(counts, weekend, total) in self.refuted:
            return True
        return self._refutes(*self.check_rows(counts, weekend, total))

    def refute(
        self, counts: list[tuple[int, int]], weekend: list[tuple[int, int]], total: int
    ) -> None:
        """Remember the check ``feasible`` would ask as refuted (by a stronger LP)."""
        self.refuted.add(_check(counts, weekend, total))

    def check_rows(
        self,
        counts: list[tuple[int, int]],
        weekend: list[tuple[int, int]] | None,
        total: int,
    ) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The bounds of the household rows (shifts, then weekend shifts; free where
        not asked) and of the row of all shifts, for the check ``feasible`` asks."""
        lower, upper = self._free_rows(total)
        for h, (lo, hi) in enumerate(counts):
            lower[h], upper[h] = lo, hi
        for h, (lo, hi) in enumerate(weekend or ()):
            lower[self.hcount + h], upper[self.hcount + h] = lo, hi
        return lower, upper

    # A Farkas certificate: multipliers y of the rows such that, for every x in the
    # columns' bounds, y.Ax <= top (each column at the bound its coefficient in y.A
    # favours), while the rows' bounds force y.Ax >= bound (each row at the bound its
    # multiplier favours).  Where bound > top, nothing fits.  This holds for any y,
    # so a certificate of one refuted check refutes another whenever its arithmetic
    # says so: neighbouring windows of loads often fail for the same reason (on tight
    # RTs, two refutations in three need no solve).  The checks differ only in the
    # household rows and the row of all shifts, and when ``feasible`` asks, every
    # column is in [0, 1] and the floors at 0 (the dives and ``within`` put back what
    # they change), so the rest is computed once.

    def _refutes(self, lower: numpy.ndarray, upper: numpy.ndarray) -> bool:
        """Does a kept certificate refute the rows' bounds ``lower``/``upper``?"""
        if not len(self.rays):
            return False
        _spend(len(self.rays) * len(lower) // 8)
        return bool(_refuted(self.rays, self.ray_fixed, self.ray_top, lower, upper).any())

    def _keep_ray(self, lower: numpy.ndarray, upper: numpy.ndarray) -> None:
        """Keep HiGHS's certificate of the check just refuted (rows' bounds
        ``lower``/``upper``), if it refutes it on this arithmetic too.  Not after the
        primal simplex (the first solve of a tight RT's LP): HiGHS then has no ray, and
        asking for one solves the LP again, off the work clock."""
        if self.strategy != 1:
            return
        _, found, ray = self.solver.getDualRay()  # type: ignore[attr-defined]
        if not found:
            return
        starts, index, values = self.matrix
        n, ncol = self.n, self.ncol
        end = n + len(lower)  # the household rows and the row of all shifts
        _spend(len(index) // 8)
        for sign in (1.0, -1.0):
            y = sign * numpy.asarray(ray, dtype=float)
            y[numpy.abs(y) < 1e-9] = 0.0
            # the other rows, the nights (at most cap) and the gap windows (at most
            # one), bound y.Ax from below only through negative multipliers
            if (y[:n] > 0).any() or (y[end:] > 0).any():
                continue
            fixed = float(y[:n] @ self.night_caps + y[end:].sum())
            column = numpy.add.reduceat(y[index] * values, starts)[:ncol]
            top = float(numpy.maximum(column, 0.0).sum())
            mine = y[n:end]
            if _refuted(mine[None, :], numpy.array([fixed]), numpy.array([top]), lower, upper)[0]:
                self.rays = numpy.vstack((self.rays, mine))
                self.ray_fixed = numpy.append(self.ray_fixed, fixed)
                self.ray_top = numpy.append(self.ray_top, top)
                self.cuts.append((y[:n], float(y[end - 1])))
                return

    def cut_off(self, month: _Month, ranges: list[tuple[int, int, int, int]], total: int) -> bool:
        """Do the multipliers of the nights and of all shifts of a kept certificate
        refute the window ``ranges`` (``_count_ranges``) of ``total`` shifts of
        ``month``, each household's schedules priced whole (``_cut_off``)?

        With its household rows' multipliers a certificate refutes only windows
        near its own (``_refutes``); priced whole, the schedules within each window
        are no more than the LP's shares of them allow, and the nights' multipliers
        alone refute farther windows.  Asked before the weekend bound's LP checks
        (when it still solved them), it refuted 98 of 344 on the 745 reference RTs:
        0.4% less work there, 0.8% on 1,600 fresh ones, the same answers.  Asked
        before every check of the LP of nights, no less work in all.
        """
        if not self.cuts:
            return False
        return _cut_off(_Pricing.of(month, ranges), month.cap, self.cuts, total)

    def within(
        self,
        prior: list[int],
        width: int,
        total: int,
        weekend: tuple[list[int], int] | None = None,
    ) -> bool:
        """Is there a fractional roster of ``total`` shifts whose loads lie in some
        window ``width`` wide (and, given ``weekend = (prior_w, k)``, its weekend
        loads in some window ``k`` wide)?  False refutes every such window at once.
        Weaker than the windows one by one (it mixes windows), so it is asked with
        few iterations, from the last basis only, and that basis is put back for the
        checks that follow."""
        key = (width, -1 if weekend is None else weekend[1], total)
        if self.cold or key in self.unrefuted:
            return True
        hcount = self.hcount
        inf = highspy.kHighsInf
        basis = self.solver.getBasis()
        lower, upper = self._free_rows(total)
        lower[:hcount] = [-p for p in prior]
        upper[:hcount] = [width - p for p in prior]
        floors = [self.ncol]
        if weekend is not None:
            prior_w, k = weekend
            lower[hcount : 2 * hcount] = [-p for p in prior_w]
            upper[hcount : 2 * hcount] = [k - p for p in prior_w]
            floors.append(self.ncol + 1)
        where = numpy.array(floors, dtype=numpy.int32)
        count = len(floors)
        self.solver.changeColsBounds(count, where, numpy.full(count, -inf), numpy.full(count, inf))
        self._set_rows(lower, upper)
        status = self._run(_WITHIN_ITERATIONS if weekend is None else _WITHIN_WEEKEND_ITERATIONS)
        self.solver.changeColsBounds(count, where, numpy.zeros(count), numpy.zeros(count))
        # the re-factoring this costs is left in the run's charge, not charged again as
        # ``_restore`` charges it: the clock decides the path, and charging it cost
        # gap6-12 draw 11 of the reference RTs its optimum
        self.solver.setBasis(basis)
        if status != highspy.HighsModelStatus.kInfeasible:
            self.unrefuted.add(key)  # asking again would only cost the same
            return True
        return False

    def _free_rows(self, total: int) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Bounds for the household rows (shifts, then weekend shifts), all free, and
        the row of all shifts, at ``total``."""
        inf = highspy.kHighsInf
        lower = numpy.full(2 * self.hcount + 1, -inf)
        upper = numpy.full(2 * self.hcount + 1, inf)
        lower[-1] = upper[-1] = total
        return lower, upper

    def _set_rows(self, lower: numpy.ndarray, upper: numpy.ndarray) -> None:
        rows = numpy.arange(self.n, self.n + len(lower), dtype=numpy.int32)
        # in highspy, not in its type stubs
        self.solver.changeRowsBounds(len(rows), rows, lower, upper)  # type: ignore[attr-defined]

    def dive(self, steps: int, deadline: float) -> list[tuple[int, int]] | None:
        """An integral roster within the windows of the last feasible check, or None.

        It starts from that check's solution: a solve from scratch first (as it
        once did) lands on whole vertices no more often, at a third of the dive's
        cost on a tight RT of 30-50 households.  While shares are fractional, the
        largest ones, one per household and a quarter of the split, are fixed to
        whole shifts and the LP re-solved from its basis; if the LP refutes the
        batch, the largest alone, and if it refutes that too, its opposite.  The
        dive fails when even that is refuted, when the solve of its ``steps + 1``-th
        round is still fractional, or past ``deadline``.  Every fix is undone, and the
        basis it started from put back, on the way out (as after a refuted check).
        """
        solver, ncol = self.solver, self.ncol
        fixed: list[int] = []
        self.dived = None
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        basis = solver.getBasis()
        try:
            # one look more than rounds: the last round's solve may have come out whole
            last = _clock()
            for step in range(steps + 2):
                now = _clock()
                if now > deadline:
                    return None
                values = numpy.asarray(solver.getSolution().col_value)[:ncol]
                _spend(ncol // 4)
                self.dived = values.copy()
                split = numpy.flatnonzero((values > 1e-6) & (values < 1 - 1e-6))
                if not len(split):
                    return [self.cols[j] for j in numpy.flatnonzero(values > 0.5)]
                if step > steps:
                    return None
                # the next solve would likely end past the deadline: stop here
                if now + (now - last) * _DIVE_LOOKAHEAD > deadline:
                    return None
                last = now
                batch: list[int] = []
                households: set[int] = set()
                # largest first; the first column on ties
                for j in split[numpy.argsort(-values[split], kind="stable")].tolist():
                    if self.cols[j][0] not in households:
                        households.add(self.cols[j][0])
                        batch.append(j)
                        if len(batch) * 4 >= len(split):
                            break
                for size in dict.fromkeys((len(batch), 1)):
                    self._bound(batch[:size], 1.0, 1.0)
                    status = self._run()
                    if status == highspy.HighsModelStatus.kOptimal:
                        fixed += batch[:size]
                        break
                    self._bound(batch[:size], 0.0, 1.0)
                    if status != highspy.HighsModelStatus.kInfeasible:
                        return None  # stopped by the budget (or the wall), not refuted
                else:
                    fixed.append(batch[0])
                    self._bound(batch[:1], 0.0, 0.0)
                    if self._run() != highspy.HighsModelStatus.kOptimal:
                        return None
            return None
        finally:
            self._bound(fixed, 0.0, 1.0)
            self._restore(basis)

    def _restore(self, basis: highspy.HighsBasis) -> None:
        """Put back ``basis``; HiGHS factors it again at the next solve, charged here:
        about half a unit per row and column on the benchmark's machine."""
        _spend((self.ncol + self.nrow) // 2)
        self.solver.setBasis(basis)

    def _bound(self, cols: list[int], lower: float, upper: float) -> None:
        if cols:
            where = numpy.array(cols, dtype=numpy.int32)
            count = len(cols)
            self.solver.changeColsBounds(
                count, where, numpy.full(count, lower), numpy.full(count, upper)
            )

    def shares(self, dived: bool = False) -> dict[tuple[int, int], float]:
        """The last fractional roster: (household, night) -> its share of the shift;
        with ``dived``, the last of the last dive (the most nearly whole it reached).
        Empty where the last solve was skipped at the budget's end (HiGHS then still
        holds an older solve's values, for other bounds)."""
        values: Sequence[float]
        if dived and self.dived is not None:
            values = self.dived.tolist()
        else:
            solution = self.solver.getSolution()
            if not solution.value_valid:
                return {}
            values = solution.col_value
        _spend(len(self.cols))
        return {key: float(values[j]) for j, key in enumerate(self.cols) if values[j] > 1e-6}

    def share_grid(self) -> numpy.ndarray | None:
        """``shares()`` as nights by households (0 where a household has no share of a
        night); None where the last solve was skipped."""
        solution = self.solver.getSolution()
        if not solution.value_valid:
            return None
        values = numpy.asarray(solution.col_value)[: self.ncol]
        grid = numpy.zeros((self.n, self.hcount))
        grid[self.col_d, self.col_h] = numpy.where(values > 1e-6, values, 0.0)
        _spend(self.ncol // 8)
        return grid


# --- whole schedules as columns (one window) ---------------------------------------


# one step of ``_Pricing``'s DP (see ``_Pricing._dp_steps``)
_Step = tuple["numpy.ndarray", "numpy.ndarray", "numpy.ndarray", list[tuple["numpy.ndarray", ...]]]


class _Pricing:
    """Each household's schedule of most weight within its window, for weights of the
    nights that change from call to call (``_Schedules`` prices its columns so).

    ``free``: per household and night, 1 where it is free; ``ranges``: per household the
    least and most shifts and weekend shifts (``_count_ranges``).  A DP over the
    nights for every household at once: ``best[d]`` holds, per shift count and weekend
    count, the most weight of schedules on the nights before d; a shift on night d
    extends one on the nights before d - g + 1.
    """

    @classmethod
    def of(cls, month: _Month, ranges: list[tuple[int, int, int, int]]) -> _Pricing:
        """The pricing of ``month``'s households within the windows ``ranges``."""
        return cls(_free_nights(month.avail, len(month.days)), month.g, month.wk, ranges)

    def __init__(
        self, free: numpy.ndarray, g: int, wk: list[int], ranges: list[tuple[int, int, int, int]]
    ) -> None:
        hcount, n = free.shape
        self.g, self.wk, self.n = g, wk, n
        low_c, top_c, low_w, top_w = (
            numpy.array(r)[:, None, None] for r in zip(*ranges, strict=True)
        )
        counts = numpy.arange(int(top_c.max()) + 1)[None, :, None]
        # the weekend counts a state may hold: 0 to the most any window allows
        self.wide = int(top_w.max()) + 1
        weekends = numpy.arange(self.wide)[None, None, :]
        # the states past a window (more shifts or weekend shifts than it allows): they
        # only lead to states past it (counts only grow) and no schedule ends there
        # (``final``), so the DP need not clear them.  Per night and household, -inf
        # where it is not free (added to the night's weight)
        over = (counts > top_c) | (weekends > top_w)
        self.busy = numpy.where(free.T == 0, -numpy.inf, 0.0)
        # the states a schedule may end in
        self.final = ~over & (counts >= low_c) & (weekends >= low_w)
        shape = (n + 1, *over.shape)
        _spend(n * over.size // 56)
        self.best = numpy.full(shape, -numpy.inf)
        self.best[0, :, 0, 0] = 0.0
        # ``best`` read one entry at a time (the backtrack): a flat memoryview's entries
        # are plain floats, read and compared in a fraction of numpy's time; an entry
        # (d, h, c, w) is at ((d * hcount + h) * counts + c) * wide + w
        self.flat = self.best.reshape(-1).data
        self.night, self.counts = self.best[0].size, self.best.shape[2]
        # per night and household, the weight of a shift, -inf where it is not free
        # (``values`` fills it)
        self.taking = numpy.empty((n, hcount, 1, 1))
        # each step's operands and results, as views made once: making them on every
        # call took 40% of its time on the RTs of 15-30 households (see ``_dp_steps``)
        self.steps = self._dp_steps(over.shape)
        self.size = over.size
        # per household, the most weight ending in each state, and the best state
        self.last = numpy.full((hcount, over[0].size), -numpy.inf)
        self.ends = numpy.zeros(hcount, dtype=numpy.int64)
        # (how many, then per household) the best end states of ``last`` and their
        # weights, once ``schedules`` asks
        self.tops: tuple[int, list[list[int]], list[list[float]]] | None = None

    def _dp_steps(self, shape: tuple[int, ...]) -> list[_Step]:
        """The DP's steps, each (before, taking, into, nights): ``into`` = ``before`` +
        ``taking``, the shifts of a run of nights, then per night (today, shift, after):
        ``after`` = the maximum of ``today`` and ``shift``.

        A run is up to g nights of one weekend flag: a shift on any of them extends
        states from before the run (d - g + 1 is at most its first night), so one sum
        takes all their shifts.  The same numbers, in 1.2-1.3 times less time on the
        reference RTs (gaps of 3-6: three or four nights a sum)."""
        g, wk, n, wide, best = self.g, self.wk, self.n, self.wide, self.best
        # per weekend flag (0 or 1), a run's shifts, from states a shift earlier: the
        # states no shift reaches (no shifts yet, fewer weekend shifts than the night
        # adds) stay -inf
        size = max(1, min(g, n))
        runs = (numpy.full((size, *shape), -numpy.inf), numpy.full((size, *shape), -numpy.inf))
        steps: list[_Step] = []
        d = 0
        while d < n:
            k = wk[d]
            # a run's nights all read states from night d - g + 1 >= 0 on, or all night
            # 0's (nights 0 to g - 1)
            early = d < g - 1
            end = d + 1
            while end < n and end - d < g and wk[end] == k and (end < g or not early):
                end += 1
            run = runs[k][: end - d]
            before = best[:1] if early else best[d - g + 1 : end - g + 1]
            steps.append(
                (
                    before[:, :, :-1, : wide - k],
                    self.taking[d:end],
                    run[:, :, 1:, k:],
                    [(best[e], run[e - d], best[e + 1]) for e in range(d, end)],
                )
            )
            d = end
        return steps

    def values(self, weights: numpy.ndarray) -> numpy.ndarray:
        """Per household, the most weight of a schedule within its window (-inf: none);
        ``weights`` per night, or per night and household."""
        add, maximum = numpy.add, numpy.maximum
        _spend(self.n * (13 + self.size // 54))
        per_night = weights if weights.ndim == 2 else weights[:, None]
        add(self.busy, per_night, out=self.taking[..., 0, 0])
        for before, taking, into, nights in self.steps:
            add(before, taking, out=into)
            for today, shift, after in nights:
                maximum(today, shift, out=after)
        last = numpy.where(self.final, self.best[self.n], -numpy.inf).reshape(len(self.ends), -1)
        self.last = last
        self.ends = last.argmax(axis=1)
        self.tops = None
        values: numpy.ndarray = last[numpy.arange(len(self.ends)), self.ends]
        return values

    def schedules(self, h: int, above: float, most: int) -> list[int]:
        """Up to ``most`` of household ``h``'s schedules of weight above ``above``, the
        best of each end state (shift and weekend counts), best first."""
        if self.tops is None or self.tops[0] != most:
            # every household's best ``most`` end states and their weights at once:
            # one sort a round, not one a household
            best = numpy.argsort(-self.last, axis=1, kind="stable")[:, :most]
            weights = numpy.take_along_axis(self.last, best, axis=1)
            self.tops = (most, best.tolist(), weights.tolist())
        _, order, weight = self.tops
        states = [state for state, w in zip(order[h], weight[h], strict=True) if w > above]
        return [self.schedule(h, state) for state in states]

    def schedule(self, h: int, state: int | None = None) -> int:
        """Household ``h``'s schedule of the weight ``values`` last gave it (finite), or
        the best ending in ``state``."""
        wide = self.wide
        c, w = divmod(int(self.ends[h] if state is None else state), wide)
        flat, wk, g, night = self.flat, self.wk, self.g, self.night
        _spend(self.n // 2)
        mask, d = 0, self.n
        # (the flat index of (d, h, c, w), moved along with them: 40% less time than
        # reading the memoryview by four indices)
        i = d * night + (h * self.counts + c) * wide + w
        while c > 0 and d > 0:
            # a shift on night d - 1 made the state better than the nights before it did
            if flat[i] > flat[i - night]:
                mask |= 1 << (d - 1)
                k = wk[d - 1]
                back = d if d < g else g
                c, d = c - 1, d - back
                i -= back * night + wide + k
            else:
                d -= 1
                i -= night
        return mask


def _cut_off(pricing: _Pricing, cap: list[int], cuts: list[_Cut], total: int) -> bool:
    """Do the last ``_CUTS`` of ``cuts`` refute the window ``pricing`` prices, of
    ``total`` shifts, with nights of at most ``cap``?

    For multipliers mu <= 0 of the nights and lam of all shifts, any roster of
    the window has sum(mu * load) + lam * total >= mu . cap + lam * total, while
    each household's schedule adds at most ``v[h]`` (its best weight under mu +
    lam, ``_Pricing.values``) to the left: where mu . cap + lam * total exceeds
    sum(v), no roster fits.  This holds for any such multipliers; those of another
    window's refutation often refute neighbouring windows, which fail for the
    same reason."""
    for mu, lam in cuts[-_CUTS:]:
        least = float(numpy.dot(mu, cap)) + lam * total
        if least - float(pricing.values(mu + lam).sum()) > 1e-6:
            return True
    return False


class _Schedules:
    """One window's rosters as whole schedules, by column generation: the LP of the
    Dantzig-Wolfe reformulation, and a dive on it.

    Rows: one per household (its schedules' shares add up to one), the nights (at
    most their teams) and all shifts (``total``); a column is one household's
    schedule within its window (``_count_ranges``: shift counts and weekend shift
    counts).  Phase one of the simplex: each household row and the row of all shifts
    have an artificial column of cost 1, so the LP's optimum is 0 exactly where some
    fractional roster of whole schedules fits the window.  Columns are priced by
    ``_Pricing`` from the LP's duals until none would lower the optimum:
    above 0 then, no roster fits (a refutation the LP of nights, ``_Relaxation``,
    cannot give where a household's fractional shifts mix schedules of weekend counts
    outside its window).  At 0, the dive fixes whole schedules, largest share first,
    pricing again after each, until every household has one.
    """

    def __init__(
        self,
        month: _Month,
        ranges: list[tuple[int, int, int, int]],
        total: int,
        roster: list[int],
        pool: dict[tuple[int, int], None],
        cuts: list[_Cut] | None = None,
        nights: _Relaxation | None = None,
    ) -> None:
        n = len(month.days)
        hcount = len(ranges)
        self.n, self.hcount = n, hcount
        self.month, self.ranges, self.total = month, ranges, total
        self.pricing = _Pricing.of(month, ranges)
        # the multipliers that refuted other windows of the solve (see ``_cut_off``)
        self.cuts = cuts if cuts is not None else []
        self.multipliers: _Cut | None = None  # the last round's, once priced
        self.cols: list[tuple[int, int]] = []  # (household, schedule) per column
        self.seen: set[tuple[int, int]] = set()
        self.fixed: dict[int, int] = {}  # household -> its column, once fixed
        # set when the LP's optimum stays above 0 with every column priced
        self.refuted = False
        # every column priced goes to ``pool`` ((household, schedule) pairs), which the
        # LPs of the solve's other windows start from
        self.pool = pool
        # the LP, built on first use (``solver``) from these (the roster as it is now):
        # a window another's multipliers refute (``_cut_off``) needs none
        self.lp: highspy._core._Highs | None = None
        self.seeds: tuple[list[int], _Relaxation | None] = (list(roster), nights)
        # new columns leave the basis primal feasible, and the primal simplex goes on
        # from it; a schedule fixed leaves it dual feasible, for the dual simplex
        self.strategy = 4
        # the artificial columns: one per household row, two (up, down) for all shifts
        self.artificial = hcount + 2

    def __del__(self, spare: list[highspy._core._Highs] = _SPARE, most: int = _SPARE_MOST) -> None:
        # (``_highs`` clears its model and options before handing it out again; the list
        # is bound here, as the module's globals may be gone at the interpreter's exit)
        lp = getattr(self, "lp", None)  # (None where __init__ raised before setting it)
        if lp is not None and len(spare) < most:
            spare.append(lp)

    @property
    def solver(self) -> highspy._core._Highs:
        """The LP, built on first use: its rows, the artificial columns, and the first
        columns (``_build``)."""
        if self.lp is None:
            self.lp = _highs()
            self._build(self.lp)
        return self.lp

    def _build(self, solver: highspy._core._Highs) -> None:
        """Set up the LP in ``solver``: rows, artificial columns, and as first columns
        the schedules of the roster and of the pool that fit the window, then
        ``_for_uncovered``, ``_of_shares`` and ``_fullest``."""
        n, hcount, month, ranges, total = self.n, self.hcount, self.month, self.ranges, self.total
        roster, nights = self.seeds
        self.seeds = ([], None)
        inf = highspy.kHighsInf
        solver.setOptionValue("simplex_strategy", self.strategy)
        nrow = hcount + n + 1
        lower = numpy.concatenate([numpy.ones(hcount), numpy.full(n, -inf), [total]])
        upper = numpy.concatenate([numpy.ones(hcount), numpy.array(month.cap, float), [total]])
        empty = numpy.zeros(0, dtype=numpy.int32)
        solver.addRows(nrow, lower, upper, 0, numpy.zeros(1, dtype=numpy.int32), empty, [])
        rows = numpy.append(numpy.arange(hcount), [nrow - 1, nrow - 1]).astype(numpy.int32)
        values = numpy.append(numpy.ones(hcount + 1), -1.0)
        solver.addCols(
            self.artificial,
            numpy.ones(self.artificial),
            numpy.zeros(self.artificial),
            numpy.full(self.artificial, inf),
            self.artificial,
            numpy.arange(self.artificial, dtype=numpy.int32),
            rows,
            values,
        )
        _spend(4 * (nrow + self.artificial))
        first = []
        weekend = month.weekend_mask
        for h, mask in itertools.chain(enumerate(roster), self.pool):
            c_lo, c_hi, w_lo, w_hi = ranges[h]
            if (
                (h, mask) not in self.seen
                and c_lo <= mask.bit_count() <= c_hi
                and w_lo <= (mask & weekend).bit_count() <= w_hi
            ):
                first.append((h, mask))
                self.seen.add((h, mask))
        _spend(len(self.seen))
        # the roster's schedules that fit the window (they come first)
        ours = {h: j for j, (h, mask) in enumerate(first) if mask == roster[h]}
        first += self._for_uncovered(roster, {h for h, _ in first})
        shares = nights.share_grid() if nights is not None else None
        if shares is not None and shares.any():
            first += self._of_shares(shares)
        first += self._fullest(roster)
        if first:
            self._add(first)
        self._start_at(ours)

    def _start_at(self, ours: dict[int, int]) -> None:
        """Start the simplex at the roster: each household's schedule of it basic where
        it fits the window (``ours``: household -> column), else its artificial column;
        the nights' slacks and one artificial column of all shifts (the roster's shifts
        short of or over ``total``) basic.  Triangular, feasible where the roster keeps
        within the nights' teams (the solver's always do), and nearer the optimum than
        HiGHS's own start: 24 iterations to the first optimum on the reference RTs, not
        63."""
        status = highspy.HighsBasisStatus
        lower, basic = status.kLower, status.kBasic
        cols = [lower] * (self.artificial + len(self.cols))
        for h in range(self.hcount):
            cols[self.artificial + ours[h] if h in ours else h] = basic
        shifts = sum(self.cols[j][1].bit_count() for j in ours.values())
        cols[self.hcount + (shifts > self.total)] = basic
        basis = highspy.HighsBasis()
        basis.col_status = cols
        basis.row_status = [lower] * self.hcount + [basic] * self.n + [lower]
        basis.valid = True
        # (refused, never expected: HiGHS starts from its own basis)
        self.solver.setBasis(basis)

    def _for_uncovered(self, roster: list[int], covered: set[int]) -> list[tuple[int, int]]:
        """A first column for each household no first column covers: its best schedule
        within its window on the nights the covered households' roster leaves room on
        (weight 1, others -1).

        Without it, the first round's duals price those households' schedules on any
        nights, full ones too, and later rounds move them off: the column generation
        took six rounds on average to its first fit.  2.5% less work on the 745
        reference RTs, 1.1% on 1,600 fresh ones, the same answers."""
        if len(covered) == self.hcount:
            return []
        room = numpy.array(self.month.cap, dtype=float)
        for h in covered:
            for d in _days(roster[h]):
                room[d] -= 1
        return self._best_unseen(numpy.where(room > 0, 1.0, -1.0), covered)

    def _fullest(self, roster: list[int]) -> list[tuple[int, int]]:
        """A first column for each household: its schedule of most shifts within its
        window, on the nights ``roster`` leaves room on where it can (weight 1, full
        nights ``_FULL_NIGHT``).

        Without them, the first LP of a window far from the roster fell short of its
        shifts: the columns of the roster, the pool and the shares covered every
        household, but at too few shifts.  On 183 of the 486 first fits of the 895
        reference RTs the first LP's optimum was 8 or more, the row of all shifts 22
        short on average, and the rounds of pricing closed that a few columns at a
        time.  With them, a fifth fewer rounds to the first fit: 2.3% less work on
        the reference RTs (2.8% less wall), 3.5% on 1,600 fresh ones (one more
        proved), 1.6% on 800 more, the same answers; 0.3% more on 800 city-like
        ones."""
        room = numpy.array(self.month.cap, dtype=float)
        for mask in roster:
            for d in _days(mask):
                room[d] -= 1
        return self._best_unseen(numpy.where(room > 0, 1.0, _FULL_NIGHT), set())

    def _of_shares(self, shares: numpy.ndarray) -> list[tuple[int, int]]:
        """A first column for each household: its schedule within its window nearest
        ``shares``, a fractional roster of the LP of nights (``share_grid``): of most
        weight where a night weighs its share less ``_SHARE_SEED``.

        The LP of nights' last roster is of another window or none of this one's, but
        its households' shifts lie near a fitting roster of whole schedules, and its
        dive lands sooner: 1% less work on the 745 reference RTs (fresh-41-tight-29's
        dive 41k units, from 135k), 1.8% on 1,600 fresh ones, the same answers."""
        return self._best_unseen(shares - _SHARE_SEED, set())

    def _best_unseen(self, weights: numpy.ndarray, skip: set[int]) -> list[tuple[int, int]]:
        """Each household's (but ``skip``'s) schedule of most ``weights`` within its
        window, where it has one and no column holds it yet (marked ``seen``)."""
        values = self.pricing.values(weights)
        new = []
        for h in numpy.flatnonzero(values > -math.inf).tolist():
            if h in skip:
                continue
            mask = self.pricing.schedule(h)
            if (h, mask) not in self.seen:
                self.seen.add((h, mask))
                new.append((h, mask))
        return new

    def _add(self, new: list[tuple[int, int]]) -> None:
        """Add the columns of (household, schedule) pairs ``new``.

        Each column's entries, in row order: its household's row, its nights' rows, and
        the row of all shifts (with its shift count), built for all columns at once
        (a loop over the columns took about 8% of the heaviest RTs' wall)."""
        solver = self.solver  # (built first, with its first columns, if it is not yet)
        n, hcount, count = self.n, self.hcount, len(new)
        pairs = zip(*new, strict=True)
        houses, masks = (numpy.fromiter(part, numpy.int64, count) for part in pairs)
        # per column, a flag for each of its possible entries: the household's row,
        # the n nights' rows, the row of all shifts
        present = numpy.ones((count, n + 2), dtype=bool)
        present[:, 1 : n + 1] = (masks[:, None] >> numpy.arange(n)) & 1
        rows = numpy.empty((count, n + 2), dtype=numpy.int32)
        rows[:, 0] = houses
        rows[:, 1 : n + 1] = numpy.arange(hcount, hcount + n)
        rows[:, n + 1] = hcount + n
        sizes = present.sum(axis=1)
        values = numpy.ones((count, n + 2))
        values[:, n + 1] = sizes - 2
        starts = numpy.zeros(count, dtype=numpy.int32)
        numpy.cumsum(sizes[:-1], out=starts[1:])
        entries = numpy.flatnonzero(present)
        inf = highspy.kHighsInf
        _spend(len(entries) * 2)
        solver.addCols(
            count,
            numpy.zeros(count),
            numpy.zeros(count),
            numpy.full(count, inf),
            len(entries),
            starts,
            rows.ravel()[entries],
            values.ravel()[entries],
        )
        self.cols += new
        self.pool.update(dict.fromkeys(new))

    def _run(self) -> bool:
        """Solve the LP from its last basis; True at its optimum (False when stopped)."""
        left = max(0.001, _WORK.wall_limit - time.perf_counter())
        self.solver.setOptionValue("time_limit", self.solver.getRunTime() + left)
        self.solver.run()
        self._strategy(4)
        size = self.hcount + self.n + 1 + self.artificial + len(self.cols)
        _spend(1000 + _iterations(self.solver) * size // 12)
        return self.solver.getModelStatus() == highspy.HighsModelStatus.kOptimal

    def _fits(self, deadline: float) -> bool | None:
        """Price columns until the LP's optimum is 0 (True) or no column lowers it
        (False); None past ``deadline``."""
        while _clock() <= deadline:
            if not self._run():
                return None
            if self.solver.getObjectiveValue() < 1e-9:
                return True
            dual = numpy.asarray(self.solver.getSolution().row_dual)
            hcount, n = self.hcount, self.n
            # a column's reduced cost: minus the duals of its rows
            weights = dual[hcount : hcount + n] + dual[hcount + n]
            # (the nights' duals are at most 0 at the optimum; clipped, the bound holds exactly)
            self.multipliers = (
                numpy.minimum(dual[hcount : hcount + n], 0.0),
                float(dual[hcount + n]),
            )
            new = []
            # the Lagrangian bound: no household's shares lower the optimum by more than
            # its best column's reduced cost (their shares add up to one)
            bound = self.solver.getObjectiveValue()
            gains = dual[:hcount] + self.pricing.values(weights)
            for h in numpy.flatnonzero(gains >= 1e-9).tolist():
                if h in self.fixed:
                    continue
                bound -= gains[h]
                for mask in self.pricing.schedules(h, 1e-9 - dual[h], _COLUMNS_PER_ROUND):
                    if (h, mask) not in self.seen:
                        self.seen.add((h, mask))
                        new.append((h, mask))
            if not new or (not self.fixed and bound > 1e-6):
                return False
            self._add(new)
        return None

    def fits(self, deadline: float) -> bool | None:
        """Does some fractional roster of whole schedules fit the window?  False
        refutes it (``refuted`` set); None: not known by ``deadline``."""
        fits = self._first_fits(deadline)
        self.refuted = fits is False
        return fits

    def _first_fits(self, deadline: float) -> bool | None:
        """``_fits`` before anything is fixed, unless another window's multipliers
        refute this one (``_cut_off``); a refutation keeps its own."""
        if self._cut_off():
            return False
        fits = self._fits(deadline)
        if fits is False and self.multipliers is not None:
            self.cuts.append(self.multipliers)
        return fits

    def _cut_off(self) -> bool:
        """Do the multipliers of another window's refutation refute this one too
        (``_cut_off``)?"""
        return _cut_off(self.pricing, self.month.cap, self.cuts, self.total)

    def roster(self, deadline: float) -> list[tuple[int, int]] | None:
        """A roster within the window, as (household, night) shifts, or None: refuted
        (``refuted`` set), or none found by ``deadline``."""
        fits = self._first_fits(deadline)
        if not fits:
            self.refuted = fits is False
            return None
        fails = 0
        tried_at = _COMPLETE_AT + 1
        while True:
            values = numpy.asarray(self.solver.getSolution().col_value)[self.artificial :]
            _spend(len(values) // 4)
            largest: dict[int, int] = {}
            for j in numpy.flatnonzero(values > 1e-9).tolist():
                h = self.cols[j][0]
                if h not in self.fixed and (h not in largest or values[j] > values[largest[h]]):
                    largest[h] = j
            split = [j for j in largest.values() if values[j] < 1 - 1e-9]
            for h, j in largest.items():
                if values[j] >= 1 - 1e-9:
                    self._fix(h, j)
            if not split:
                return [(h, d) for h, j in self.fixed.items() for d in _days(self.cols[j][1])]
            if len(split) <= _COMPLETE_AT and len(split) < tried_at:
                # few households left: their schedules are searched for outright, and
                # again where a search that gave up (after _COMPLETE_NODES steps) left
                # fewer after the next fixes: once only, bench small 51's search gave up
                # at 6 and its dive took 26 more LP solves to land (241k units, then
                # 161k; 0.1-0.9% less work on 4,000 fresh RTs, the same answers)
                tried_at = len(split)
                rest = self._complete(values)
                if rest is not None:
                    if rest is False:
                        return None
                    fixed = [(h, self.cols[j][1]) for h, j in self.fixed.items()]
                    return [(h, d) for h, mask in fixed + rest for d in _days(mask)]
            # the largest shares, a quarter of the split ones, fixed at once; where no
            # roster of the others fits them, the largest alone; where none fits it,
            # it is left out
            split.sort(key=lambda j: (-values[j], j))
            batch = split[: max(1, len(split) // 4)]
            for size in dict.fromkeys((len(batch), 1)):
                for j in batch[:size]:
                    self._fix(self.cols[j][0], j)
                fits = self._fits(deadline)
                if fits is None:
                    return None
                if fits:
                    break
                for j in batch[:size]:
                    del self.fixed[self.cols[j][0]]
                    self._bound(j, 0.0, math.inf)
            else:
                # not even the largest alone fits: its schedule is left out
                self._bound(batch[0], 0.0, 0.0)
                fails += 1
                if fails > _SCHEDULE_FAILS or not self._fits(deadline):
                    return None

    def _complete(self, values: numpy.ndarray) -> list[tuple[int, int]] | Literal[False] | None:
        """The schedules of the households not fixed, by a search night by night, given
        the fixed ones: (household, schedule) pairs; False where none exist; None where
        the search gave up (after ``_COMPLETE_NODES`` steps).  Households with the
        larger shares of a night (the LP's ``values``) are tried on it first."""
        month, n, g = self.month, self.n, self.month.g
        room = list(month.cap)
        need = self.total
        for j in self.fixed.values():
            mask = self.cols[j][1]
            need -= mask.bit_count()
            for d in _days(mask):
                room[d] -= 1
        free = [h for h in range(self.hcount) if h not in self.fixed]
        k = len(free)
        wk = month.wk
        avail = [month.avail[h] for h in free]
        ranges = [self.ranges[h] for h in free]
        # each household's share of each night in the LP, for the order of the search
        share = numpy.zeros((k, n))
        where = {h: i for i, h in enumerate(free)}
        for j in numpy.flatnonzero(values > 1e-9).tolist():
            h, mask = self.cols[j]
            if h in where:
                for d in _days(mask):
                    share[where[h], d] += values[j]
        # per household and night, the most shifts (and weekend shifts) it could still
        # serve from that night on, on nights with room: bounds for the pruning
        most = [[0] * (n + g + 1) for _ in range(k)]
        most_w = [[0] * (n + g + 1) for _ in range(k)]
        for i in range(k):
            m, mw = most[i], most_w[i]
            for d in range(n - 1, -1, -1):
                m[d], mw[d] = m[d + 1], mw[d + 1]
                if avail[i] >> d & 1 and room[d] > 0:
                    m[d] = max(m[d], 1 + m[d + g])
                    mw[d] = max(mw[d], wk[d] + mw[d + g])
        # the places left on the nights from each on
        left = [0] * (n + 1)
        for d in range(n - 1, -1, -1):
            left[d] = left[d + 1] + max(0, room[d])
        _spend(k * n * 3)
        last = [-g] * k
        count = [0] * k
        weekend = [0] * k
        chosen: list[list[int]] = [[] for _ in range(k)]
        failed: set[tuple[int, ...]] = set()
        steps = 0

        def viable(d: int) -> bool:
            """Can every household still reach its least counts, and all ``need``?"""
            reach = 0
            for i in range(k):
                start = max(d, last[i] + g)
                more = min(most[i][start], ranges[i][1] - count[i])
                if count[i] + more < ranges[i][0]:
                    return False
                if weekend[i] + most_w[i][start] < ranges[i][2]:
                    return False
                reach += more
            done = sum(count)
            return done <= need <= done + min(reach, left[d])

        def search(d: int) -> bool | None:
            nonlocal steps
            if d == n:
                return sum(count) == need and all(
                    r[0] <= c <= r[1] and r[2] <= w <= r[3]
                    for r, c, w in zip(ranges, count, weekend, strict=True)
                )
            state = (d, *(min(g, d - x) for x in last), *count, *weekend)
            if state in failed:
                return False
            steps += 1
            if steps > _COMPLETE_NODES:
                return None
            eligible = [
                i
                for i in range(k)
                if avail[i] >> d & 1
                and d - last[i] >= g
                and count[i] < ranges[i][1]
                and weekend[i] + wk[d] <= ranges[i][3]
            ]
            eligible.sort(key=lambda i: (-share[i, d], i))
            for size in range(min(room[d], len(eligible)), -1, -1):
                for group in itertools.combinations(eligible, size):
                    saved = [(i, last[i]) for i in group]
                    for i in group:
                        last[i] = d
                        count[i] += 1
                        weekend[i] += wk[d]
                        chosen[i].append(d)
                    found = viable(d + 1) and search(d + 1)
                    if found is None or found:
                        return found
                    for i, before in saved:
                        last[i] = before
                        count[i] -= 1
                        weekend[i] -= wk[d]
                        chosen[i].pop()
            failed.add(state)
            return False

        found = viable(0) and search(0)
        _spend(steps * (20 + 4 * k))
        if found is None:
            return None
        if not found:
            return False
        return [(h, sum(1 << d for d in days)) for h, days in zip(free, chosen, strict=True)]

    def _fix(self, h: int, j: int) -> None:
        """Fix column ``j``, a schedule of household ``h``, to the whole of its share."""
        self.fixed[h] = j
        self._bound(j, 1.0, 1.0)

    def _bound(self, j: int, lower: float, upper: float) -> None:
        """Bound column ``j``'s share; the dual simplex goes on from there."""
        self.solver.changeColBounds(self.artificial + j, lower, upper)
        self._strategy(1)

    def _strategy(self, strategy: int) -> None:
        if strategy != self.strategy:
            self.solver.setOptionValue("simplex_strategy", strategy)
            self.strategy = strategy


# --- the engine ------------------------------------------------------------------


_Key = tuple[int, int]
_RESTARTS = 16
# where the first greedy roster falls this many places short of the trivial bound on
# places, the LP's bound comes first (``_construct``)
_FAR_SHORT = 6
_LNS_ROUNDS = 300
_DIVES = 3
_DIVE_ROUNDS = 6
# A dive over whole schedules (``_Schedules``) gives up after this many schedules
# fixed that fit no roster of the others.
_SCHEDULE_FAILS = 6
# Pricing adds, per household, the best schedules of this many end states (shift and
# weekend counts): 2.3% less work on the reference RTs than one, the same answers (3:
# 0.7% less); on 1,600 fresh RTs 2 better, 1 worse.
_COLUMNS_PER_ROUND = 2
# the weight of a night the roster leaves full in each household's first column of most
# shifts (``_Schedules._fullest``; 0.6-0.95 did about as well, 0.3-0.5 and 1 worse)
_FULL_NIGHT = 0.7
# what a night of a household's share in the LP of nights must beat to weigh above
# nothing in its first column (``_Schedules._of_shares``; 0.1-0.7 did about as well)
_SHARE_SEED = 0.3
# where a dive has this many households left split, their schedules are searched for
# outright (``_Schedules._complete``), in at most so many steps (and again with fewer)
_COMPLETE_AT = 6
_COMPLETE_NODES = 150
# the multipliers of the last so many windows whole schedules refuted are tried on
# each new one before its LP (``_Schedules._cut_off``)
_CUTS = 4
# A dive starts only with this many solves from scratch (``cold_cost``) left before
# the dives' deadline (``_DIVE_RESERVE``).  On 580 RTs with CP-SAT optima, the 128
# dives that landed cost 0.01 of them at the median and 4.5 at the 99th percentile,
# the 15 that failed 2.8 to 8.8 (median 6.1); at 2, a failing dive on a large LP
# took the rest of the budget from the rounding, which lands instead
# (uniform-55-35, crowded-77-22 and crowded-88-22 optimal at 5, none lost).
_DIVE_ROOM = 5
# The dives end this share of the search's deadline before it, and a dive stops
# before a solve that would end past that at _DIVE_LOOKAHEAD times the last one's
# cost (a dive's solve on a crowded RT's LP is 30-40 ms of the clock).  Until then a
# dive that did not land ended past the deadline, and the rounding of its last,
# nearly whole, roster had no time for its polish, which lands in a few ms: on 392
# RTs with CP-SAT optima (tight, crowded and the committed ones), 6 more optimal
# and none lost; on 160 fresh ones, 1 more and none lost.  (A dive share of
# 0.6-0.8 found 5 more on the first RTs, and lost 2 on the fresh.)
_DIVE_RESERVE = 0.05
_DIVE_LOOKAHEAD = 2
# The most of the time left to the local search that one move may take before the
# next is tried: a move that scans on without a gain (an ejection chain over every
# night of a 61-household RT, 37 ms) kept the others from ever being tried.  Three
# tenths: on 720 RTs with CP-SAT optima, three more optimal, none lost, 7% less work
# (0.2 and 0.5 each lost some).  See improve: a round of moves all cut ends it.
_MOVE_SHARE = 0.3
# What a weekend move not yet tried is taken to gain: one step per this many units
# (about a millisecond), beside what the others gained for their work (see improve).
_MOVE_PRIOR = 3000
# The first local search (before the LP is asked, see _solve) stops where its figure has
# not narrowed for this share of the budget, nor for as long as the search took to reach
# its last narrowing, once two moves were tried since: past that it only ran out its
# share in moves cut at their turn before the LP's bounds and dives, which settle those
# RTs.  1.8% less work on the 520 reference RTs and 1-2% on 720 fresh ones, the same
# figures on all; a shorter stall, or stalling the later searches too, lost optima.
_STALL = 0.0525
# The first local search's share of the budget where the construction did not build the
# LP (where it did, the dives come at once).  At 0.1: 1.3% less work on the 745
# reference RTs and 2.4% on 1,600 fresh ones, but 2% more on 2,000 RTs of the city
# benchmark, one of them 27k -> 146k units; at 0.15 0.1% more on the reference RTs,
# at 0.25 1.6% more, at 0.05 3.3% more and one answer short of its optimum
_FIRST_LOOSE = 0.2
# Its share where the constructed roster's weekend spread is two or more above its
# bound: the weekend moves grind toward it, where the dives' whole schedules land.
# At 0.04, with the same answers everywhere: 4.3% less work on the 745 reference RTs,
# 2.6% less on 1,600 fresh ones (compare_solver.py seeds 5-8), 1.7% on seeds 9-10 and
# 1.3% on 800 city-like ones (small, typical, large, gap1).  0.03 did the same within
# noise; 0.01 did 5.6% less on the reference RTs but 7.7% more on the city-like ones,
# whose searches would have ended in 7-45k units where a dive costs 50-125k; 0.1 did
# 2.5% less; from one above, more work at 0.05 or less; the dives at once, with no
# search, one answer short of its optimum.  A trade, not a gain everywhere: RTs whose
# search would have ended in 35-65k units take 2-3.7 times that (bench large 38 52k ->
# 187k), and about as many RTs meet 1/100 of CP-SAT's time as before
_FIRST_FAR = 0.04
_WITHIN_ITERATIONS = 200
# with the weekend floor too: the dives ask at every level, and most are left open
_WITHIN_WEEKEND_ITERATIONS = 60


def _extremes(hist: dict[int, int]) -> tuple[int, int, int, int]:
    present = [v for v, c in hist.items() if c > 0]
    if not present:
        return 0, 0, 0, 0
    hi, lo = max(present), min(present)
    return hi, hist[hi], lo, hist[lo]


def _spread_bound(
    priors: list[int], caps: list[int], lo_total: int, hi_total: int, start: int = 0
) -> int:
    """Least max-min of priors[h] + x[h], 0 <= x[h] <= caps[h], sum(x) in [lo_total, hi_total].

    For a width s and a floor ``low`` the counts must lift every load to ``low``
    (``need``, growing with ``low``) and may take every load to ``low + s`` (``room``,
    growing with ``low`` too), so the largest floor whose need fits is the one to test.
    """
    if not priors:
        return 0
    ordered = sorted(priors)
    top_prior = ordered[-1]
    below = [0, *itertools.accumulate(ordered)]  # below[k]: the k smallest priors' sum
    # room for a top T (at least every prior): sum(min(c, T - p)), that is
    # H * T - sum(priors) - sum(T - p - c for p + c < T)
    ends: list[int] = sorted(map(operator.add, priors, caps))
    before_end = [0, *itertools.accumulate(ends)]
    low_ceiling = ends[0]

    def need(low: int) -> int:
        _spend(len(priors) // 2)
        k = bisect.bisect_left(ordered, low)
        return k * low - below[k]

    s = max(start, top_prior - low_ceiling, 0)
    while True:
        low, high = top_prior - s, low_ceiling
        if need(low) <= hi_total:
            # the largest floor in [low, high] whose need fits
            while low < high:
                mid = (low + high + 1) // 2
                if need(mid) <= hi_total:
                    low = mid
                else:
                    high = mid - 1
            _spend(len(priors) // 2)
            top = low + s
            k = bisect.bisect_left(ends, top)
            room = len(priors) * top - below[-1] - (k * top - before_end[k])
            if room >= lo_total:
                return s
        s += 1


def _weekend_bound(
    eng: _Engine,
    start: int,
    ours: int,
    width: int,
    filled: int,
    caps: list[int],
    deadline: float,
    known: _Proved,
    lp: bool = True,
    check: bool = False,
) -> int:
    """Least weekend_spread of a roster filling ``filled`` places with loads in a window
    of ``width``, or ``ours`` if none below it is possible; ``start`` is already a bound.

    A window of loads [L, L + width] and of weekend loads [W, W + k] leaves each
    household the shift counts c whose exact range of weekend nights (its own
    schedules, by a DP that ignores the others) meets the weekend window.  The
    counts must add up to ``filled``: first as a sum of ranges, then (``lp``) past
    the certificates of the LP of nights' refutations (``known_refuted``,
    ``cut_off``) and, with ``check``, in the LP of nights itself; where it is not
    built, in the LP of whole schedules.
    """
    if start >= ours:
        return start
    reach = eng.weekend_reach()
    prior_w = eng.prior_w
    weekday_room, weekend_room = eng.room()
    w_lo = sum(prior_w) + max(0, filled - weekday_room)
    w_hi = sum(prior_w) + weekend_room
    checked: set[tuple[tuple[int, int, int, int], ...]] = set()
    for k in range(start, ours):
        for bounds in _fitting_windows(eng, reach, caps, width, k, filled):
            if _clock() > deadline:
                return k
            wk_lo = sum(pw + a for pw, (_, _, a, _) in zip(prior_w, bounds, strict=True))
            wk_hi = sum(pw + b for pw, (_, _, _, b) in zip(prior_w, bounds, strict=True))
            if wk_lo > w_hi or wk_hi < w_lo:
                continue
            key = tuple(bounds)
            if key in checked:
                continue
            checked.add(key)
            windows = [(a, b) for a, b, _, _ in bounds]
            weekend = [(a, b) for _, _, a, b in bounds]
            window = _check(windows, weekend, filled)
            # the windows whole schedules refuted, in the dives too: without the LP as
            # with it (the LP of nights keeps only its own refutations)
            if window in known.refuted:
                continue
            if not lp:
                return k
            if _WORK.relaxation is None:
                # the LP of nights is not built: whole schedules instead
                schedules = _Schedules(
                    eng.month, bounds, filled, eng.sched, known.priced, known.cuts
                )
                fits = schedules.fits(deadline)
                if fits:
                    known.weekend_final.add(width)
                if fits is not False:
                    # fitting, or stopped at the deadline: the dives go on from here
                    known.left_open[window] = schedules
                    return k
                known.refuted.add(window)
            else:
                relaxation = eng.relaxation()
                if relaxation.known_refuted(windows, weekend, filled):
                    continue
                if relaxation.cut_off(eng.month, bounds, filled):
                    relaxation.refute(windows, weekend, filled)
                    continue
                # no LP solve here unless ``check``: where the certificates leave a
                # window open, it is the bound, and the dives settle it (whole schedules
                # land on it or refute it, which lifts the bound; they un-mark the width
                # final).  Asking the LP cost 14k units an open window and 20k a refuted
                # one; without: 7.2% less work on the 745 reference RTs, 7.8% on 1,600
                # fresh ones, the same answers, one more proved optimal.  The budget's
                # last bounds ``check``: the dives may have ended before the window
                if check:
                    if not relaxation.feasible(windows, weekend, filled):
                        continue
                    known.weekend_unchecked.discard(width)
                else:
                    known.weekend_unchecked.add(width)
                # final however late it was found (the caller's deadline marks only the
                # search it stopped)
                known.weekend_final.add(width)
                return k
    return ours


def _count_ranges(
    prior: list[int],
    prior_w: list[int],
    tables: list[list[tuple[int, int]]],
    low: int,
    high: int,
    w_low: int,
    w_high: int,
) -> list[tuple[int, int, int, int]] | None:
    """Per household, the least and most shifts and weekend shifts it can serve with its
    load in [low, high] and weekend load in [w_low, w_high]; None if one cannot."""
    found = []
    _spend(3 * len(prior) + 2 * (high - low + 1) * len(prior) // 3)
    # (comparisons, not min and max: this loop is most of the windows' enumeration)
    for p, pw, table in zip(prior, prior_w, tables, strict=True):
        c_min = c_max = w_min = w_max = -1
        first, last = low - p, high - p
        if first < 0:
            first = 0
        if last >= len(table):
            last = len(table) - 1
        floor, ceiling = w_low - pw, w_high - pw
        for c in range(first, last + 1):
            lo, hi = table[c]
            if lo < floor:
                lo = floor
            if hi > ceiling:
                hi = ceiling
            if lo > hi:
                continue
            if c_min < 0:
                c_min, w_min, w_max = c, lo, hi
            else:
                if lo < w_min:
                    w_min = lo
                if hi > w_max:
                    w_max = hi
            c_max = c
        if c_min < 0:
            return None
        found.append((c_min, c_max, w_min, w_max))
    return found


def _lows_adding_up(
    prior: list[int],
    tables: list[list[tuple[int, int]]],
    caps: list[int],
    width: int,
    total: int,
) -> Iterator[int]:
    """The floors ``low`` of the windows of loads [low, low + width] whose counts can
    add up to ``total`` shifts, weekend loads aside, highest first (from the most any
    household serves over its prior down to the highest prior less ``width``).

    A window of weekend loads only narrows each household's counts, so where ``total``
    is outside their least and most sums, every ``_count_ranges`` with these loads
    fails its sum.  Neither sum rises as ``low`` falls: below a window whose most is
    short of ``total``, every one is, and the enumeration stops there."""
    top = min(p + c for p, c in zip(prior, caps, strict=True))
    for low in range(top, max(prior) - width - 1, -1):
        _spend(len(prior))
        least = most = 0
        # (within this range each household's counts are [max(0, low - p),
        # min(its most, low + width - p)], never empty: its table has a row per count
        # up to its most)
        for p, table in zip(prior, tables, strict=True):
            least += max(0, low - p)
            most += min(len(table) - 1, low + width - p)
        if most < total:
            return
        if least <= total:
            yield low


def _nearest_first(
    eng: _Engine, windows: Iterable[list[tuple[int, int, int, int]]]
) -> list[list[tuple[int, int, int, int]]]:
    """``windows`` (per household its shift counts and weekend shift counts, as
    ``_count_ranges`` gives them) by how many shifts roster ``eng`` lies outside them,
    least first; ties in their order.

    The dives ask a level's windows in turn, and the one they land in is most often
    near the best roster so far: fresh-41-tight-45 refuted two windows at 26k units
    each before landing in the third, the nearest, in 15k.  Dived nearest first: 1.1%
    less work on the 745 reference RTs, 1.8% on 1,600 fresh ones and 1.2% on 800
    more, the same answers (with the dives at once after the first local search, 2.2%,
    3.8% and 3.6%).  Counting the households outside, or the weekend shifts alone,
    did about as well, the shifts alone half as well; the weekend bound's windows
    (``_weekend_bound``) asked so took 1.5% more work: there every window below the
    optimum is refuted, and the order is HiGHS's path."""
    counts = [m.bit_count() for m in eng.sched]
    wcounts = [(m & eng.weekend_mask).bit_count() for m in eng.sched]

    def far(ranges: list[tuple[int, int, int, int]]) -> int:
        return sum(
            max(0, a - c, c - b) + max(0, wa - w, w - wb)
            for (a, b, wa, wb), c, w in zip(ranges, counts, wcounts, strict=True)
        )

    return sorted(windows, key=far)


def _fitting_windows(
    eng: _Engine,
    reach: tuple[list[list[tuple[int, int]]], int, int],
    caps: list[int],
    width: int,
    k: int,
    total: int,
) -> Iterator[list[tuple[int, int, int, int]]]:
    """``_count_ranges`` of every window of loads ``width`` wide and of weekend loads
    ``k`` wide whose counts can add up to ``total`` shifts, highest first; ``reach``
    is ``eng.weekend_reach()``.

    Highest first: where the LP leaves a window of a level open, it is most often
    the highest (at the optimum's level, with 2-18 windows: 38 of 57 tight RTs, 16
    of 22 crowded ones), and the checks of the refuted ones before it are the
    costly part.
    """
    prior, prior_w = eng.prior, eng.prior_w
    tables, w_floor, w_ceiling = reach
    for low in _lows_adding_up(prior, tables, caps, width, total):
        for w_low in range(w_ceiling, w_floor - k - 1, -1):
            ranges = _count_ranges(prior, prior_w, tables, low, low + width, w_low, w_low + k)
            if ranges is not None and (
                sum(r[0] for r in ranges) <= total <= sum(r[1] for r in ranges)
            ):
                yield ranges


class _Packing:
    """How the plan DP packs a night's row of states in one int (see _Engine._plan_dp):
    ``FIELD`` bits a state, and the masks for rows of ``size`` states.

    A state's field holds its value plus ``POSSIBLE`` (a schedule's value is at most
    65 a night, 2015 in a month of 31, below it), or less than ``POSSIBLE`` where
    no schedule reaches the state: what such a field gathers, gains along a run of
    nights, stays below ``POSSIBLE`` too.  The top bit of each field is a guard,
    always clear, that the field-wise comparison borrows from."""

    FIELD = 14
    VALUE_MASK = (1 << (FIELD - 1)) - 1  # a field's bits below its guard
    POSSIBLE = 1 << (FIELD - 2)
    _made: ClassVar[dict[tuple[int, int], _Packing]] = {}

    def __init__(self, size: int, width: int) -> None:
        self.ones = sum(1 << (j * self.FIELD) for j in range(size))
        self.guards = self.ones << (self.FIELD - 1)
        self.value_bits = self.ones * self.VALUE_MASK
        # the states with at least one extra night (e = j % width)
        self.with_extra = sum(self.VALUE_MASK << (j * self.FIELD) for j in range(size) if j % width)

    @classmethod
    def of(cls, size: int, width: int) -> _Packing:
        packing = cls._made.get((size, width))
        if packing is None:
            packing = cls._made[size, width] = cls(size, width)
        return packing


@dataclass(frozen=True)
class _Month:
    """What every engine of one solve shares: the problem's nights and households, as
    the search reads them (built once per solve, see ``_month``; never changed)."""

    days: list[date]
    g: int
    cap: list[int]
    wk: list[int]
    weekend_mask: int
    # per night, the nights a shift on it keeps a household from (within the gap)
    win: list[int]
    # the eligible households by id, and per household the nights it is free on
    hh: list[Household]
    avail: list[int]
    prior: list[int]
    prior_w: list[int]
    # per night, how many households are free on it
    free_count: list[int]
    # how many households carry each prior load, and each prior weekend load
    hist_l: dict[int, int]
    hist_w: dict[int, int]
    places: int
    # per household, the most shifts, and the most weekend shifts, it can serve
    most: list[int]
    most_w: list[int]

    @functools.cached_property
    def most_from(self) -> list[list[int]]:
        """Per household and night t, the most shifts it could serve from t on: what
        ``_rest`` gives without prices (every restart's greedy pass reads it), and the
        first half of ``suffix_most``."""
        return _each_suffix_most(self.avail, len(self.days), self.g)

    @functools.cached_property
    def suffix_most(self) -> tuple[list[list[int]], list[list[int]]]:
        """Per household and night t, the most shifts it could serve from t on, and the
        most weekend shifts (``_Engine.window_greedy`` reads them; every engine of the
        solve shares them)."""
        weekend = [mask & self.weekend_mask for mask in self.avail]
        return self.most_from, _each_suffix_most(weekend, len(self.days), self.g)

    @functools.cached_property
    def reach(self) -> tuple[list[list[tuple[int, int]]], int, int]:
        """See ``_Engine.weekend_reach`` (computed on first use: loose RTs settled by the
        first pass never ask)."""
        n = len(self.days)
        # per household, for each shift count c it could serve alone, the fewest and
        # most weekend nights among its valid schedules of exactly c shifts
        by_mask: dict[int, list[tuple[int, int]]] = {}
        for mask in self.avail:
            if mask not in by_mask:
                _spend(n)
                by_mask[mask] = _weekend_range(mask, n, self.g, self.weekend_mask)
        tables = [by_mask[mask] for mask in self.avail]
        pairs = list(zip(self.prior_w, tables, strict=True))
        w_floor = max(pw + min(lo for lo, _ in t) for pw, t in pairs)
        w_ceiling = min(pw + max(hi for _, hi in t) for pw, t in pairs)
        return tables, w_floor, w_ceiling


def _suffix_most(mask: int, n: int, g: int) -> list[int]:
    """``most[t]``: the most shifts a household free on ``mask`` can serve from night t
    on (padded past the month's end)."""
    most = [0] * (n + g + 1)
    for t in range(n - 1, -1, -1):
        most[t] = max(most[t + 1], 1 + most[t + g]) if mask >> t & 1 else most[t + 1]
    return most


def _each_suffix_most(masks: list[int], n: int, g: int) -> list[list[int]]:
    """``_suffix_most`` of each of ``masks``, once per distinct mask (households free on
    the same nights share a row: the 49,686 households of the 745 reference RTs are
    free on 19,057 masks)."""
    rows: dict[int, list[int]] = {}
    for mask in masks:
        if mask not in rows:
            rows[mask] = _suffix_most(mask, n, g)
    return [rows[mask] for mask in masks]


def _rest(avail: list[int], n: int, g: int, price: list[float]) -> list[list[float]]:
    """Per household and night d, the most weight its shifts from d on may take (a
    shift on a night weighs one less its ``price``; see ``_Engine.greedy``; without
    prices, ``_Month.most_from``), once per distinct mask as ``_each_suffix_most``."""
    weight = [1.0 - p for p in price]
    by_mask: dict[int, list[float]] = {}
    for mask in avail:
        if mask in by_mask:
            continue
        r = [0.0] * (n + g + 1)
        for d in range(n - 1, -1, -1):
            take = weight[d] + r[d + g] if mask >> d & 1 and weight[d] > 0 else 0.0
            r[d] = max(r[d + 1], take)
        by_mask[mask] = r
    return [by_mask[mask] for mask in avail]


def _month(problem: Problem) -> _Month:
    """The problem's ``_Month``, kept for the rest of the solve (restarts and copies of
    rosters build engines by the dozen)."""
    kept = _WORK.month
    if kept is not None and kept[0] is problem:
        return kept[1]
    days = problem.dates
    n = len(days)
    g = max(1, problem.min_gap_days)
    cap = [max(0, problem.team_size_on(d)) for d in days]
    wk = [1 if WEEKDAYS[d.weekday()] in problem.weekend_nights else 0 for d in days]
    win = []
    for d in range(n):
        lo, hi = max(0, d - g + 1), min(n - 1, d + g - 1)
        win.append(((1 << (hi + 1)) - 1) ^ ((1 << lo) - 1))
    weekend_mask = sum(1 << i for i in range(n) if wk[i])
    first = days[0]
    eligible = sorted((h for h in problem.households if not h.exempt), key=lambda h: h.id)
    open_days = sum(1 << i for i in range(n) if cap[i] > 0)
    night_of = {day: 1 << d for d, day in enumerate(days)}
    # per last shift's date, the nights within its gap (many households share one)
    gap_of: dict[date, int] = {}
    avail: list[int] = []
    for h in eligible:
        mask = open_days
        for away in h.unavailable:
            mask &= ~night_of.get(away, 0)
        last = h.last_shift_date
        if last is not None:
            block = gap_of.get(last)
            if block is None:
                off = (last - first).days
                lo, hi = max(0, off - g + 1), min(n, off + g)
                block = gap_of[last] = (1 << hi) - (1 << lo) if lo < hi else 0
            mask &= ~block
        avail.append(mask)
    prior = [h.prior_shifts for h in eligible]
    prior_w = [h.prior_weekend_shifts for h in eligible]
    # two nights of the month are at most n - 1 days apart, so a gap of n forbids as
    # much within it as any longer one (the last shifts' blocks above took the whole
    # gap); capped, nothing loops over a gap of a billion days
    g = min(g, n)
    month = _Month(
        days=days,
        g=g,
        cap=cap,
        wk=wk,
        weekend_mask=weekend_mask,
        win=win,
        hh=eligible,
        avail=avail,
        prior=prior,
        prior_w=prior_w,
        free_count=_bit_counts(avail, n),
        hist_l=dict(collections.Counter(prior)),
        hist_w=dict(collections.Counter(prior_w)),
        places=sum(cap),
        most=_each_most_shifts(avail, g),
        most_w=_each_most_shifts([m & weekend_mask for m in avail], g),
    )
    _WORK.month = (problem, month)
    return month


class _Engine:
    def __init__(self, problem: Problem, restart: int = 0) -> None:
        self.problem = problem
        self.restart = restart
        month = _month(problem)
        self.month = month
        self.days = month.days
        n = len(month.days)
        self.n = n
        self.g = month.g
        # shared by every engine of the solve: never changed
        self.cap, self.wk, self.win = month.cap, month.wk, month.win
        self.weekend_mask = month.weekend_mask
        self.hh = month.hh
        self.avail = month.avail
        rng = random.Random(problem.seed if not restart else f"{problem.seed}:{restart}")
        rank = list(range(len(self.hh)))
        rng.shuffle(rank)
        self.rank = rank
        hcount = len(self.hh)
        self.H = hcount
        _spend(hcount * n // 2)
        self.prior, self.prior_w = month.prior, month.prior_w
        self.sched = [0] * hcount
        self.load = list(self.prior)
        self.wl = list(self.prior_w)
        self.occ: list[list[int]] = [[] for _ in range(n)]
        # how many households carry each load, and each weekend load
        self.hist_l: dict[int, int] = dict(month.hist_l)
        self.hist_w: dict[int, int] = dict(month.hist_w)
        self.places = month.places
        self.filled = 0
        # weekend loads the search steers toward (see objective)
        self.w_target: tuple[int, int] | None = None
        # with it, per household (lo, hi, w_lo, w_hi) shifts that fit (see lns_window)
        self.w_windows: list[tuple[int, int, int, int]] | None = None
        # re-planned schedules, valid until the next committed change
        self._replans: dict[tuple[int, int], tuple[int, int, int]] = {}
        self._plans: dict[tuple[int, int, int, int, int, int], int] = {}

    @functools.cached_property
    def by_night(self) -> list[list[int]]:
        """Per night, the households free on it, by rank (built on first use: the
        first greedy pass, which settles most loose RTs, has no need of it)."""
        order = sorted(range(self.H), key=lambda i: self.rank[i])
        avail = self.avail
        return [[h for h in order if avail[h] >> d & 1] for d in range(self.n)]

    @classmethod
    def of_shifts(cls, problem: Problem, restart: int, shifts: list[tuple[int, int]]) -> _Engine:
        """An engine holding ``shifts`` ((household, night) pairs, a valid roster)."""
        eng = cls(problem, restart)
        for h, d in shifts:
            eng._add(h, d)
        return eng

    # -- state changes --

    def _add(self, h: int, d: int) -> None:
        _WORK.units += 2
        self.sched[h] |= 1 << d
        self.occ[d].append(h)
        self._bump(h, 1, self.wk[d])
        self.filled += 1

    def _remove(self, h: int, d: int) -> None:
        _WORK.units += 2
        self.sched[h] &= ~(1 << d)
        self.occ[d].remove(h)
        self._bump(h, -1, -self.wk[d])
        self.filled -= 1

    def _bump(self, h: int, dl: int, dw: int) -> None:
        hl, hw = self.hist_l, self.hist_w
        hl[self.load[h]] -= 1
        self.load[h] += dl
        hl[self.load[h]] = hl.get(self.load[h], 0) + 1
        if dw:
            hw[self.wl[h]] -= 1
            self.wl[h] += dw
            hw[self.wl[h]] = hw.get(self.wl[h], 0) + 1

    def _valid(self, h: int) -> bool:
        _WORK.units += 3
        s = self.sched[h]
        if s & ~self.avail[h]:
            return False
        return _spaced(s, self.g)

    # -- construction --

    def greedy(self, variant: int, price: list[float] | None = None) -> None:
        """Build a valid roster night by night.

        Variant 0 takes the least-loaded households first.  Variants 1 and 2 first
        take households that would lose a possible shift by waiting a night (their
        most shifts from tonight exceed their most from tomorrow), which packs
        shifts tightly when places outnumber what the households can serve.
        """
        if not variant:
            self._least_loaded_first()
            return
        win, load, rank, sched = self.win, self.load, self.rank, self.sched
        n, g = self.n, self.g
        rest: Sequence[Sequence[float]] = (
            _rest(self.avail, n, g, price) if price else self.month.most_from
        )
        for d in range(n):
            if not self.cap[d]:
                continue
            w = win[d]
            cands = [h for h in self.by_night[d] if not sched[h] & w]
            _spend(len(self.by_night[d]) // 2)
            if variant == 1:
                cands.sort(key=lambda h: (rest[h][d] <= rest[h][d + 1] + 1e-9, load[h], rank[h]))
            else:
                cands.sort(
                    key=lambda h: (
                        rest[h][d] <= rest[h][d + 1] + 1e-9,
                        -rest[h][d] - load[h],
                        rank[h],
                    )
                )
            for h in cands[: self.cap[d]]:
                self._add(h, d)

    def _least_loaded_first(self) -> None:
        """Greedy variant 0: each night, the free households by load, then weekend load
        (fewest first on weekend nights, most first on others), then rank.

        The orders are kept sorted as the loads change (a few insertions a night)
        instead of sorting every night's households: each order as one int, the rank
        below ``scale`` and the weekend loads at most a month above their largest.
        """
        n, cap, wk, win, avail = self.n, self.cap, self.wk, self.win, self.avail
        sched, load, wl, rank = self.sched, self.load, self.wl, self.rank
        free_count = self.month.free_count
        scale = max(self.H, max(wl, default=0) + n) + 1
        of_rank = [0] * self.H
        for h, r in enumerate(rank):
            of_rank[r] = h

        def keys(h: int) -> tuple[int, int]:
            """Household h's place in the weekday order and in the weekend order."""
            high = load[h] * scale
            return (high - wl[h]) * scale + rank[h], (high + wl[h]) * scale + rank[h]

        both = [keys(h) for h in range(self.H)]
        weekday = sorted(k for k, _ in both)
        weekend = sorted(k for _, k in both)
        occ, hist_l, hist_w = self.occ, self.hist_l, self.hist_w
        filled = 0
        for d in range(n):
            if not cap[d]:
                continue
            _spend(free_count[d] // 2)
            free, w, on_weekend = 1 << d, win[d], wk[d]
            chosen: list[int] = []
            for key in weekend if on_weekend else weekday:
                h = of_rank[key % scale]
                if avail[h] & free and not sched[h] & w:
                    chosen.append(h)
                    if len(chosen) == cap[d]:
                        break
            # as _add does, inline: a shift each, the orders and histograms kept
            for h in chosen:
                day_key, end_key = keys(h)
                del weekday[bisect.bisect_left(weekday, day_key)]
                del weekend[bisect.bisect_left(weekend, end_key)]
                old, old_w = load[h], wl[h]
                sched[h] |= free
                load[h] = old + 1
                hist_l[old] -= 1
                hist_l[old + 1] = hist_l.get(old + 1, 0) + 1
                if on_weekend:
                    wl[h] = old_w + 1
                    hist_w[old_w] -= 1
                    hist_w[old_w + 1] = hist_w.get(old_w + 1, 0) + 1
                day_key, end_key = keys(h)
                bisect.insort(weekday, day_key)
                bisect.insort(weekend, end_key)
            occ[d] += chosen
            filled += len(chosen)
        _WORK.units += 2 * filled
        self.filled += filled

    def window_greedy(
        self,
        windows: list[tuple[int, int, int, int]],
        group: list[int] | None = None,
        tie: Callable[[], float] | None = None,
    ) -> None:
        """Build schedules night by night aiming at per-household targets.

        ``windows[h] = (lo, hi, w_lo, w_hi)``: household h should serve lo..hi
        shifts, w_lo..w_hi of them on weekend nights.  Each night's free places
        go first to the households with the least slack (the most shifts they
        can still serve after skipping tonight, less what they still need),
        never to one at its ``hi`` (or ``w_hi`` on a weekend night).  Only the
        households of ``group`` (default: all), whose schedules must be empty,
        are scheduled; ties go by ``tie()`` (default: the seeded rank).  A
        heuristic: the targets come from windows the bounds could not refute,
        and the local search finishes what it misses.
        """
        n, g, wk, cap, occ, rank = self.n, self.g, self.wk, self.cap, self.occ, self.rank
        members = range(self.H) if group is None else group
        most, most_w = self.month.suffix_most
        count = dict.fromkeys(members, 0)
        wcount = dict.fromkeys(members, 0)
        free_from = dict.fromkeys(members, 0)
        for d in range(n):
            room = cap[d] - len(occ[d])
            if room <= 0:
                continue
            ranked = []
            _spend(3 * len(members))
            for h in members:
                lo, hi, w_lo, w_hi = windows[h]
                if not self.avail[h] >> d & 1 or free_from[h] > d or count[h] >= hi:
                    continue
                if wk[d] and wcount[h] >= w_hi:
                    continue
                slack = most[h][d + 1] - (lo - count[h])
                w_slack = most_w[h][d + 1] - (w_lo - wcount[h])
                # taking tonight blocks the next g - 1 nights, weekend ones included
                w_after = most_w[h][d + g] + wk[d] - (w_lo - wcount[h])
                urgent = min(slack, w_slack) if wk[d] else slack
                order = tie() if tie is not None else rank[h]
                ranked.append((urgent, w_after < 0, count[h] - lo, order, h))
            ranked.sort()
            for item in ranked[:room]:
                h = item[-1]
                self._add(h, d)
                count[h] += 1
                wcount[h] += wk[d]
                free_from[h] = d + g

    def lp_round(
        self, share: dict[tuple[int, int], float], windows: list[tuple[int, int, int, int]]
    ) -> None:
        """Night by night, the places go to the households with the largest share of the
        fractional roster there, never past a window's most shifts (or weekend shifts)
        nor against a rule; the chains fill what rounding leaves empty."""
        count = [0] * self.H
        wcount = [0] * self.H
        for d in range(self.n):
            _spend(len(self.by_night[d]))
            ranked = sorted(
                (-share[h, d], self.rank[h], h)
                for h in self.by_night[d]
                if (h, d) in share
                and not self.sched[h] & self.win[d]
                and count[h] < windows[h][1]
                and not (self.wk[d] and wcount[h] >= windows[h][3])
            )
            for _, _, h in ranked[: self.cap[d] - len(self.occ[d])]:
                self._add(h, d)
                count[h] += 1
                wcount[h] += self.wk[d]

    # -- chains --

    def _free_mask(self) -> int:
        occ, cap = self.occ, self.cap
        return sum(1 << d for d in range(self.n) if len(occ[d]) < cap[d])

    def _replan(self, h: int, node: int, free: int) -> int:
        key = (h, node)
        cached = self._replans.get(key)
        if cached is None or cached[0] != free or cached[1] != self.sched[h]:
            cached = (free, self.sched[h], self._plan_through(h, node, free))
            self._replans[key] = cached
        return cached[2]

    def _plan_through(self, h: int, node: int, free: int) -> int:
        """The schedule of ``h`` through ``node`` with the most shifts on its own or free
        nights, then the most of its current nights kept (a weighted interval DP)."""
        s = self.sched[h]
        allowed = self.avail[h] & (s | free)
        g = self.g
        _spend(self.n)
        new = 1 << node
        for lo, hi in ((0, node - g), (node + g, self.n - 1)):
            if hi < lo:
                continue
            width = hi - lo + 1
            best = [0] * (width + g)
            take = [False] * width
            for i in range(width - 1, -1, -1):
                d = lo + i
                skip = best[i + 1]
                if allowed >> d & 1:
                    value = 64 + (s >> d & 1) + best[i + g]
                    if value > skip:
                        best[i] = value
                        take[i] = True
                        continue
                best[i] = skip
            i = 0
            while i < width:
                if take[i]:
                    new |= 1 << (lo + i)
                    i += g
                else:
                    i += 1
        return new

    def _bfs(
        self,
        root: int,
        banned: set[int],
        replan: bool,
    ) -> tuple[dict[_Key, tuple[_Key, int, int]], list[_Key]]:
        """Vacated nights reachable from ``root`` by chains of moves.

        A state ``(night, h)`` is a night that household ``h`` vacated (``h`` is -1 for
        the root).  A move fills the state's night with household ``h`` (new schedule
        ``mask``) and vacates one of its nights: any night if ``h`` has no conflict
        there, the one conflicting night, or (``replan``) the nights that a
        re-planned schedule with as many shifts leaves.  ``parent[state] = (prev,
        h, mask)``.  Each night is reached once.
        """
        start = (root, -1)
        parent: dict[_Key, tuple[_Key, int, int]] = {}
        queue = [start]
        seen = 1 << root
        free = self._free_mask() if replan else 0
        sched, win, by_night = self.sched, self.win, self.by_night
        for key in queue:
            node = key[0]
            bit = 1 << node
            w = win[node]
            _WORK.units += len(by_night[node])
            for h in by_night[node]:
                s = sched[h]
                if s & bit or h in banned:
                    continue
                c = s & w
                fixed = -1  # the new schedule, when it does not depend on the night vacated
                if not c:
                    m = s
                elif not c & (c - 1):
                    fixed = (s ^ c) | bit
                    m = c
                elif replan:
                    fixed = self._replan(h, node, free)
                    if fixed.bit_count() != s.bit_count():
                        continue
                    m = s & ~fixed
                else:
                    continue
                m &= ~seen
                seen |= m
                while m:
                    low = m & -m
                    m ^= low
                    d = low.bit_length() - 1
                    state = (d, h)
                    parent[state] = (key, h, fixed if fixed >= 0 else (s ^ low) | bit)
                    queue.append(state)
        return parent, queue

    def _changes(
        self,
        root: int,
        parent: dict[_Key, tuple[_Key, int, int]],
        end: _Key,
        term: int,
        term_mask: int,
        donor: int | None,
    ) -> dict[int, int] | None:
        """New schedules along the chain from state ``end`` back to ``root``; None if
        a household would move twice."""
        changes: dict[int, int] = {}
        if donor is not None:
            changes[donor] = self.sched[donor] & ~(1 << root)
        key = end
        while key[1] >= 0:
            prev, h, mask = parent[key]
            if h in changes:
                return None
            changes[h] = mask
            key = prev
        if term in changes and term != donor:
            return None
        changes[term] = term_mask
        return changes

    def _set(self, h: int, new: int) -> None:
        s = self.sched[h]
        m = s & ~new
        while m:
            low = m & -m
            self._remove(h, low.bit_length() - 1)
            m ^= low
        m = new & ~s
        while m:
            low = m & -m
            self._add(h, low.bit_length() - 1)
            m ^= low

    def _commit(self, changes: dict[int, int]) -> bool:
        """Apply new schedules; undo them and return False if any rule would break."""
        old = {h: self.sched[h] for h in changes}
        added = 0
        for h, new in changes.items():
            added |= new & ~old[h]
            self._set(h, new)
        ok = all(self._valid(h) for h in changes)
        occ, cap = self.occ, self.cap
        while ok and added:
            low = added & -added
            d = low.bit_length() - 1
            ok = len(occ[d]) <= cap[d]
            added ^= low
        if ok:
            self._replans.clear()
        else:
            for h, mask in old.items():
                self._set(h, mask)
        return ok

    def _deltas(self, changes: dict[int, int]) -> list[tuple[int, int, int]]:
        wm = self.weekend_mask
        sched = self.sched
        return [
            (
                h,
                new.bit_count() - sched[h].bit_count(),
                (new & wm).bit_count() - (sched[h] & wm).bit_count(),
            )
            for h, new in changes.items()
        ]

    def objective(self) -> tuple[int, int, int, int]:
        """(spread, loads at the extremes, weekend_spread, weekend loads at the extremes).

        With a target window of weekend loads (``w_target``), the last figure is
        instead how far the weekend loads lie outside it, in shifts: a spread of
        1 narrows to 0 by moving everyone at one extreme, which counting the
        households at both extremes cannot reward step by step.
        """
        _WORK.units += 2 + len(self.hist_l) + len(self.hist_w)
        hi, chi, lo, clo = _extremes(self.hist_l)
        whi, cwhi, wlo, cwlo = _extremes(self.hist_w)
        if self.w_target is not None:
            low, high = self.w_target
            outside = sum(
                count * (low - v if v < low else v - high if v > high else 0)
                for v, count in self.hist_w.items()
            )
            return (hi - lo, chi + clo if hi > lo else 0, whi - wlo, outside)
        return (
            hi - lo,
            chi + clo if hi > lo else 0,
            whi - wlo,
            cwhi + cwlo if whi > wlo else 0,
        )

    def _weekend_dirs(self) -> list[int]:
        """Per household, +1 if its weekend load should rise, -1 if fall, else 0:
        out of the target window when steered, else at the bottom or the top."""
        wl = self.wl
        if self.w_target is not None:
            low, high = self.w_target
            return [1 if v < low else -1 if v > high else 0 for v in wl]
        whi, _, wlo, _ = _extremes(self.hist_w)
        return [1 if v == wlo else -1 if v == whi else 0 for v in wl]

    def _objective_after(self, deltas: list[tuple[int, int, int]]) -> tuple[int, int, int, int]:
        _WORK.units += 2 + 3 * len(deltas)
        hl, hw, load, wl = self.hist_l, self.hist_w, self.load, self.wl
        for h, dl, dw in deltas:
            if dl:
                hl[load[h]] -= 1
                hl[load[h] + dl] = hl.get(load[h] + dl, 0) + 1
            if dw:
                hw[wl[h]] -= 1
                hw[wl[h] + dw] = hw.get(wl[h] + dw, 0) + 1
        result = self.objective()
        for h, dl, dw in deltas:
            if dl:
                hl[load[h] + dl] -= 1
                hl[load[h]] += 1
            if dw:
                hw[wl[h] + dw] -= 1
                hw[wl[h]] += 1
        return result

    def fill(self, deadline: float, replan: bool, most: int | None = None) -> bool:
        """Fill empty places by chains ending in the least-loaded household; True if any.
        ``most``: the most places any roster fills (once they are, no chain is sought)."""
        any_gain = False
        most = self.places if most is None else min(self.places, most)
        progress = True
        load, wl, wk, sched, win, rank = (
            self.load,
            self.wl,
            self.wk,
            self.sched,
            self.win,
            self.rank,
        )
        while progress and self.filled < most:
            progress = False
            for root in range(self.n):
                while len(self.occ[root]) < self.cap[root] and self.filled < most:
                    if _clock() > deadline:
                        return any_gain
                    parent, nodes = self._bfs(root, set(), replan)
                    free = self._free_mask() if replan else 0
                    best: tuple[int, int, int] | None = None
                    best_end = (-1, -1)
                    best_h = best_mask = -1
                    for state in nodes:
                        node = state[0]
                        bit = 1 << node
                        w = win[node]
                        _WORK.units += len(self.by_night[node]) // 2
                        for h in self.by_night[node]:
                            s = sched[h]
                            if s & bit:
                                continue
                            if s & w:
                                if not replan:
                                    continue
                                mask = self._replan(h, node, free)
                                if mask.bit_count() <= s.bit_count():
                                    continue
                            else:
                                mask = s | bit
                            key = (load[h], wl[h] if wk[node] else 0, rank[h])
                            if best is None or key < best:
                                best, best_end, best_h, best_mask = key, state, h, mask
                    if best is None:
                        break
                    changes = self._changes(root, parent, best_end, best_h, best_mask, None)
                    if changes is None or not self._commit(changes):
                        break
                    progress = any_gain = True
        return any_gain

    def improve(self, weekend: bool, target: int, deadline: float, stall: bool = False) -> bool:
        """Apply improving moves, cheapest and likeliest first, until none gains
        within its turn (``_MOVE_SHARE`` of the time left), or (``stall``) until the
        figure has not narrowed for a while (see _STALL).  True where the figure
        reached ``target``.

        Spread first (``weekend`` False): a shift moves from a household at the
        maximum load to one at least two below, or to one at the minimum.  Then
        weekend loads, never at the expense of the spread.  A round in which every
        move fails, found nothing or was cut at its turn, ends the search: one that
        only grinds leaves the rest of its time to the LP's dives (more rounds of cut
        moves instead lost four optima on 720 RTs and cost 7% more work).
        """

        def turn() -> float:
            """One move's deadline: a share of the time left (see _MOVE_SHARE)."""
            return _share(deadline, _MOVE_SHARE)

        moves: list[Callable[[tuple[int, int, int, int]], bool]]
        if weekend:
            moves = [
                lambda _cur: self.rephase(turn()),
                lambda _cur: self.replan_moves(True, turn()),
                lambda _cur: self.lns_window(_LNS_ROUNDS // 3, turn()),
                lambda _cur: self.segment_swaps(True, turn()),
                lambda cur: self._improve_once(True, cur, turn()),
                lambda _cur: self.lns_group(True, _LNS_ROUNDS // 3, turn()),
                lambda _cur: self.pair_replan(True, turn()),
            ]
        else:
            moves = [
                lambda cur: self._improve_once(False, cur, turn()),
                lambda _cur: self.segment_swaps(False, turn()),
                lambda _cur: self.replan_moves(False, turn()),
                lambda _cur: self.pair_replan(False, turn()),
            ]
        # on the weekend loads the moves are tried in the order of what they gained for
        # the work they took so far, one not yet tried counted as a gain per
        # _MOVE_PRIOR units: a rephase that gains, slowly, no longer keeps cheaper moves
        # from being tried (it did as the move that worked first; on 1,140 RTs two more
        # optimal or proved, none lost, 1.3% less work).  On the loads the order stays:
        # there a changing order cost crowded RTs their optimum.
        gains = [0] * len(moves)
        spent = [0] * len(moves)
        # the figure searched on, the work done when it last narrowed, the moves tried since
        began = last_drop = _WORK.units
        level: int | None = None
        tried: set[int] = set()
        while self.H and _clock() < deadline:
            cur = self.objective()
            figure = cur[2] if weekend else cur[0]
            if figure <= target:
                return True
            if stall and (level is None or figure < level):
                level, last_drop = figure, _WORK.units
                tried = set()
            if not weekend and cur[0] <= 1:
                return False
            order = list(range(len(moves)))
            if weekend:
                order.sort(key=lambda i: (-(gains[i] + 1) / (spent[i] + _MOVE_PRIOR), i))
            for i in order:
                if (
                    level is not None
                    and len(tried) >= 2
                    and _WORK.units - last_drop > max(_STALL * _WORK.budget, last_drop - began)
                ):
                    return False
                if level is not None:
                    tried.add(i)
                before = _WORK.units
                gained = moves[i](cur)
                spent[i] += _WORK.units - before
                if gained:
                    gains[i] += 1
                    break
            else:
                return False
        if not self.H:
            return True
        # past the deadline
        return self.objective()[2 if weekend else 0] <= target

    def _improve_once(self, weekend: bool, cur: tuple[int, int, int, int], deadline: float) -> bool:
        load, wl, wk, sched, win = self.load, self.wl, self.wk, self.sched, self.win
        hi, _, lo, _ = _extremes(self.hist_l)
        occ = self.occ
        if weekend:
            roots = [r for r in range(self.n) if occ[r]]
            roots.sort(key=lambda r: (-wk[r], -max(wl[h] for h in occ[r])))
            goal = cur
        else:
            roots = [r for r in range(self.n) if any(load[h] >= lo + 2 for h in occ[r])]
            roots.sort(key=lambda r: -max(load[h] for h in occ[r]))
            goal = (cur[0], cur[1], 1 << 30, 1 << 30)
        for root in roots:
            if _clock() > deadline:
                return False
            donors = sorted(occ[root], key=lambda h: -(wl[h] if weekend else load[h]))
            if not weekend:
                donors = [h for h in donors if load[h] >= lo + 2]
            banned = set(occ[root])
            parent, nodes = self._bfs(root, banned, False)
            if weekend:
                if self._weekend_candidates(root, donors, parent, nodes, cur, deadline):
                    return True
                continue
            for state in nodes:
                if _clock() > deadline:
                    return False
                node = state[0]
                bit = 1 << node
                w = win[node]
                _WORK.units += len(self.by_night[node])
                for h in self.by_night[node]:
                    if load[h] > hi - 2:
                        continue
                    s = sched[h]
                    if s & bit or s & w:
                        continue
                    for donor in donors:
                        if donor == h:
                            continue
                        changes = self._changes(root, parent, state, h, s | bit, donor)
                        if changes is None:
                            continue
                        new = self._objective_after(self._deltas(changes))
                        if new[:2] < goal[:2] and self._commit(changes):
                            return True
        return False

    def _weekend_candidates(
        self,
        root: int,
        donors: list[int],
        parent: dict[_Key, tuple[_Key, int, int]],
        nodes: list[_Key],
        cur: tuple[int, int, int, int],
        deadline: float,
    ) -> bool:
        """Try the chains of one search tree that could improve the weekend figures.

        A chain helps only if some household at the weekend maximum loses a weekend
        shift or one at the minimum gains one; chains that touch neither are skipped
        before they are built.
        """
        load, wl, wk, sched, win, wm = (
            self.load,
            self.wl,
            self.wk,
            self.sched,
            self.win,
            self.weekend_mask,
        )
        hi, _, lo, _ = _extremes(self.hist_l)
        whi, _, wlo, _ = _extremes(self.hist_w)
        lowest = [h for h in range(self.H) if wl[h] == wlo]
        root_bit = 1 << root
        root_w = wk[root]
        donor_helps = bool(root_w) and any(wl[d] == whi for d in donors)
        helps: dict[_Key, bool] = {nodes[0]: False}
        for state in nodes[1:]:
            prev, mover, mask = parent[state]
            dw = (mask & wm).bit_count() - (sched[mover] & wm).bit_count()
            helps[state] = helps[prev] or (
                (wl[mover] == whi and dw < 0) or (wl[mover] == wlo and dw > 0)
            )
        for state in nodes:
            if _clock() > deadline:
                return False
            node = state[0]
            bit = 1 << node
            w = win[node]
            node_w = wk[node]
            if helps[state] or donor_helps:
                pool = self.by_night[node]
            else:
                pool = (lowest if node_w else []) + donors
            _WORK.units += len(pool)
            for h in pool:
                s = sched[h]
                if s & bit or not self.avail[h] >> node & 1:
                    continue
                conflict = s & w
                for donor in donors:
                    if donor == h:
                        if s & ~root_bit & w:
                            continue
                        dw = node_w - root_w
                        useful = (wl[h] == whi and dw < 0) or (wl[h] == wlo and dw > 0)
                        mask = (s & ~root_bit) | bit
                    else:
                        if conflict or load[h] + 1 > hi or load[donor] - 1 < lo:
                            continue
                        useful = (wl[donor] == whi and root_w > 0) or (wl[h] == wlo and node_w > 0)
                        mask = s | bit
                    if not (useful or helps[state]):
                        continue
                    changes = self._changes(root, parent, state, h, mask, donor)
                    if changes is None:
                        continue
                    new = self._objective_after(self._deltas(changes))
                    if new[0] <= cur[0] and new[2:] < cur[2:] and self._commit(changes):
                        return True
        return False

    def _plan(self, h: int, allowed: int, extra: int, weekend: int, take_extra: int) -> int:
        key = (h, allowed, extra, weekend, take_extra, self.sched[h])
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = self._plan_dp(h, allowed, extra, weekend, take_extra)
        return found

    def _plan_dp(self, h: int, allowed: int, extra: int, weekend: int, take_extra: int) -> int:
        """A schedule of ``h`` on ``allowed`` nights with exactly ``weekend`` weekend nights
        (-1: any) and ``take_extra`` of the ``extra`` nights, as many shifts as possible,
        then as many current nights kept; -1 if there is none.

        A DP from the last night back; each night's row of states (k weekend nights
        and e extra ones) is packed in one int (``_Packing``), so a row is a few int
        operations, not a list of them."""
        n, g, s = self.n, self.g, self.sched[h]
        kinds = weekend + 1 if weekend >= 0 else 1
        width = take_extra + 1
        size = kinds * width
        _spend(n * (2 + size) // 2)
        wk = self.wk if weekend >= 0 else [0] * n
        packing = _Packing.of(size, width)
        ones, guards, value_bits = packing.ones, packing.guards, packing.value_bits
        with_extra = packing.with_extra
        step = _Packing.FIELD
        top = _Packing.FIELD - 1
        # best[i]: from night i on, per state the most value (plus _Packing.POSSIBLE)
        best: list[int] = [0] * n + [_Packing.POSSIBLE] * g
        for i in range(n - 1, -1, -1):
            nxt = best[i + 1]
            if not allowed >> i & 1:
                best[i] = nxt
                continue
            de = extra >> i & 1
            # taking night i moves every state up by ``shift`` (k by dk, e by de)
            shift = wk[i] * width + de
            take = ((best[i + g] << (shift * step)) & value_bits) + (64 + (s >> i & 1)) * ones
            if de:
                take &= with_extra  # only states with e >= 1 are reached by an extra night
            # per field, the larger of nxt and take (nxt on ties)
            ge = ((nxt | guards) - take) & guards
            keep = ge - (ge >> top)
            best[i] = (nxt & keep) | (take & (value_bits ^ keep))
        state = (kinds - 1) * width + take_extra
        at = state * step
        mask = _Packing.VALUE_MASK
        if (best[0] >> at) & mask < _Packing.POSSIBLE:
            return -1
        plan = 0
        i = 0
        while i < n:
            if (best[i] >> at) & mask == (best[i + 1] >> at) & mask:
                i += 1
                continue
            plan |= 1 << i
            state -= wk[i] * width + (extra >> i & 1)
            at = state * step
            i += g
        return plan

    def _trim(self, mask: int, count: int, keep: int) -> int:
        """Drop shifts from ``mask`` (never ``keep`` ones, weekday first) down to ``count``."""
        wm = self.weekend_mask
        for pool in (mask & ~keep & ~wm, mask & ~keep & wm):
            while mask.bit_count() > count and pool:
                low = pool & -pool
                pool ^= low
                mask ^= low
        return mask

    def replan_moves(self, weekend: bool, deadline: float) -> bool:
        """Whole-schedule moves: a household re-plans on its own and free nights (weekend
        loads), or takes one night of a household two or more shifts above it (loads)."""
        load, sched, avail = self.load, self.sched, self.avail
        cur = self.objective()
        free = self._free_mask()
        order = sorted(range(self.H), key=lambda h: self.rank[h])
        if weekend:
            dirs = self._weekend_dirs()
            for x in order:
                if not dirs[x] or _clock() > deadline:
                    continue
                s = sched[x]
                wk_now = (s & self.weekend_mask).bit_count()
                target = wk_now + dirs[x]
                if target < 0 or target > s.bit_count():
                    continue
                plan = self._plan(x, avail[x] & (s | free), 0, target, 0)
                if plan < 0 or plan.bit_count() < s.bit_count():
                    continue
                plan = self._trim(plan, s.bit_count(), self.weekend_mask)
                if (plan & self.weekend_mask).bit_count() != target:
                    continue
                if self._try({x: plan}, cur):
                    return True
            return False
        hi, _, _lo, _ = _extremes(self.hist_l)
        for x in order:
            if load[x] != hi:
                continue
            for y in order:
                if load[y] > hi - 2 or _clock() > deadline:
                    continue
                sx, sy = sched[x], sched[y]
                plan = self._plan(y, avail[y] & (sy | free | sx) & ~sy | sy, sx & ~sy, -1, 1)
                if plan < 0 or plan.bit_count() < sy.bit_count() + 1:
                    continue
                taken = plan & sx
                plan = self._trim(plan, sy.bit_count() + 1, taken | sy)
                if plan.bit_count() != sy.bit_count() + 1:
                    continue
                changes = {x: sx & ~taken, y: plan}
                new = self._objective_after(self._deltas(changes))
                if new[:2] < cur[:2] and self._commit(changes):
                    return True
        return False

    def pair_replan(self, weekend: bool, deadline: float) -> bool:
        """Two households give up their schedules and re-plan, one after the other, on
        the nights that are then free: one weekend night (or one shift) passes from
        the one above to the one below, each keeping its other figure."""
        wl, load, sched, avail = self.wl, self.load, self.sched, self.avail
        wm = self.weekend_mask
        cur = self.objective()
        values = wl if weekend else load
        top, _, bottom, _ = _extremes(self.hist_w if weekend else self.hist_l)
        order = sorted(range(self.H), key=lambda h: self.rank[h])
        base_free = self._free_mask()
        for x in order:
            if values[x] not in (top, bottom):
                continue
            for y in order:
                if _clock() > deadline:
                    return False
                if y == x:
                    continue
                high, low = (x, y) if values[x] == top else (y, x)
                if values[high] - values[low] < 2:
                    continue
                sh, sl = sched[high], sched[low]
                if weekend:
                    targets = {
                        high: ((sh & wm).bit_count() - 1, sh.bit_count()),
                        low: ((sl & wm).bit_count() + 1, sl.bit_count()),
                    }
                else:
                    targets = {high: (-1, sh.bit_count() - 1), low: (-1, sl.bit_count() + 1)}
                if any((w < 0 and weekend) or c < 0 or w > c for w, c in targets.values()):
                    continue
                free = base_free | sh | sl
                plans: dict[int, int] = {}
                taken = 0
                for h in (low, high):
                    week, size = targets[h]
                    # nights the other one just took may now be full
                    room = free & ~(taken & self._full_without(high, low, taken))
                    plan = self._plan(h, avail[h] & room, 0, week, 0)
                    if plan < 0 or plan.bit_count() < size:
                        break
                    plan = self._trim(plan, size, wm if weekend else 0)
                    if plan.bit_count() != size or (weekend and (plan & wm).bit_count() != week):
                        break
                    plans[h] = plan
                    taken |= plan
                else:
                    if self._try_any(plans, cur, weekend):
                        return True
        return False

    def _full_without(self, a: int, b: int, adding: int) -> int:
        """Nights that ``adding`` would fill up once ``a`` and ``b`` have left."""
        occ, cap, sched = self.occ, self.cap, self.sched
        full = 0
        m = adding
        while m:
            low = m & -m
            m ^= low
            d = low.bit_length() - 1
            left = len(occ[d]) - (sched[a] >> d & 1) - (sched[b] >> d & 1)
            if left + 1 >= cap[d]:
                full |= low
        return full

    def _try_any(
        self, changes: dict[int, int], cur: tuple[int, int, int, int], weekend: bool
    ) -> bool:
        """Commit ``changes`` if they improve the figures of the current phase."""
        if weekend:
            return self._try(changes, cur)
        new = self._objective_after(self._deltas(changes))
        return new[:2] < cur[:2] and self._commit(changes)

    def lns_group(self, weekend: bool, rounds: int, deadline: float) -> bool:
        """A household at an extreme and a few neighbours re-plan together.

        All give up their schedules; each re-plans (a DP) on the nights with room.
        For weekend loads every count stays, the extreme household's weekend
        nights move by one and the others' by at most one; for loads the extreme
        household's count moves by one and the others' by at most one.  Kept if
        no place is lost and the figures improve; tie-breaks come from the seed.
        """
        rng = random.Random(f"{self.problem.seed}:{'weekend' if weekend else 'load'}")
        wm, occ, sched, win = self.weekend_mask, self.occ, self.sched, self.win
        for _ in range(rounds):
            if _clock() > deadline:
                return False
            cur = self.objective()
            values = self.wl if weekend else self.load
            top, _, bottom, _ = _extremes(self.hist_w if weekend else self.hist_l)
            if weekend and self.w_target is not None:
                # steered: move the households outside the target window into it
                bottom, top = self.w_target[0] - 1, self.w_target[1] + 1
                extremes = [h for h in range(self.H) if not bottom < values[h] < top]
                if not extremes:
                    return False
            elif top - bottom < 2:
                return False
            else:
                extremes = [h for h in range(self.H) if values[h] in (top, bottom)]
            x = rng.choice(extremes)
            near = 0
            for d in _days(sched[x]):
                near |= win[d]
            if not near:
                near = self.avail[x]
            around = sorted({h for d in _days(near) for h in occ[d]} - {x})
            group = [x, *rng.sample(around, min(len(around), 1 + rng.randrange(3)))]
            saved = {h: sched[h] for h in group}
            step = 1 if values[x] <= bottom else -1
            targets: dict[int, list[tuple[int, int]]] = {}
            for h in group:
                count, week = saved[h].bit_count(), (saved[h] & wm).bit_count()
                shifts = [step] if h == x else [0, -step, step]
                if weekend:
                    targets[h] = [(count, week + k) for k in shifts]
                else:
                    targets[h] = [(count + k, -1) for k in shifts]
            before = self.filled
            for h in group:
                self._set(h, 0)
            done = True
            for h in group:
                room = self._free_mask()
                for count, week in targets[h]:
                    if count < 0 or week > count or (weekend and week < 0):
                        continue
                    plan = self._plan(h, self.avail[h] & room, 0, week, 0)
                    if plan < 0 or plan.bit_count() < count:
                        continue
                    plan = self._trim(plan, count, wm if weekend else 0)
                    if plan.bit_count() == count and (
                        not weekend or (plan & wm).bit_count() == week
                    ):
                        self._set(h, plan)
                        break
                else:
                    done = False
                    break
            if done and self.filled >= before:
                new = self.objective()
                better = new[0] <= cur[0] and new[2:] < cur[2:] if weekend else new[:2] < cur[:2]
                if better:
                    self._replans.clear()
                    self._plans.clear()
                    return True
            for h in group:
                self._set(h, 0)
            for h in group:
                self._set(h, saved[h])
        return False

    def lns_window(self, rounds: int, deadline: float) -> bool:
        """While steered: households re-built together toward their windows.

        A household outside the target window and a few that share its nights
        give up their schedules; night by night, the places left free go to them
        as ``window_greedy`` would give them (least slack first, never above a
        window's maximum).  Kept if no place is lost and the figures improve;
        tie-breaks come from the seed.
        """
        windows = self.w_windows
        if windows is None:
            return False
        rng = random.Random(f"{self.problem.seed}:window")
        occ, sched, win = self.occ, self.sched, self.win
        for _ in range(rounds):
            if _clock() > deadline:
                return False
            cur = self.objective()
            dirs = self._weekend_dirs()
            outside = [h for h in range(self.H) if dirs[h]]
            if not outside:
                return False
            x = rng.choice(outside)
            near = 0
            for d in _days(sched[x] | (self.avail[x] & self.weekend_mask)):
                near |= win[d]
            around = sorted({h for d in _days(near) for h in occ[d]} - {x})
            group = [x, *rng.sample(around, min(len(around), 2 + rng.randrange(4)))]
            saved = {h: sched[h] for h in group}
            before = self.filled
            for h in group:
                self._set(h, 0)
            self.window_greedy(windows, group, rng.random)
            new = self.objective()
            if self.filled >= before and new[0] <= cur[0] and new[2:] < cur[2:]:
                self._replans.clear()
                self._plans.clear()
                return True
            for h in group:
                self._set(h, 0)
            for h in group:
                self._set(h, saved[h])
        return False

    def rephase(self, deadline: float) -> bool:
        """A household at a weekend extreme moves to a new rhythm of as many shifts.

        Its new schedule (a DP over all its available nights, keeping as many
        current nights as it can) has one weekend night more or fewer.  On each new
        night that is full, one occupant leaves for one of the nights the household
        gave up (a bipartite matching), so every load stays as it was.
        """
        sched, avail = self.sched, self.avail
        wm = self.weekend_mask
        cur = self.objective()
        whi, _, wlo, _ = _extremes(self.hist_w)
        order = sorted(range(self.H), key=lambda h: self.rank[h])
        dirs = self._weekend_dirs()
        for x in order:
            if not dirs[x] or _clock() > deadline:
                continue
            s = sched[x]
            count = s.bit_count()
            target = (s & wm).bit_count() + dirs[x]
            if not 0 <= target <= count:
                continue
            want_weekend = dirs[x] > 0
            forced = _days(avail[x] & ~s & (wm if want_weekend else ~wm))
            _, _, lo, _ = _extremes(self.hist_l)
            counts = [count, count - 1] if self.load[x] - 1 >= lo else [count]
            for size in counts:
                if not 0 <= target <= size:
                    continue
                for through in [-1, *forced]:
                    if _clock() > deadline:
                        return False
                    if through < 0:
                        plan = self._plan(x, avail[x], 0, target, 0)
                    else:
                        plan = self._plan(x, avail[x], 1 << through, target, 1)
                    if plan < 0 or plan.bit_count() < size:
                        continue
                    keep = wm if through < 0 else wm | 1 << through
                    plan = self._trim(plan, size, keep)
                    if plan.bit_count() != size or (plan & wm).bit_count() != target:
                        continue
                    if self._reseat(x, plan, cur, whi, wlo):
                        return True
        return False

    def _reseat(
        self, x: int, plan: int, cur: tuple[int, int, int, int], whi: int, wlo: int
    ) -> bool:
        """Give ``x`` schedule ``plan``; one occupant of each full new night takes one
        of the nights ``x`` gave up."""
        wl, sched, avail, win, occ, cap, wk = (
            self.wl,
            self.sched,
            self.avail,
            self.win,
            self.occ,
            self.cap,
            self.wk,
        )
        s = sched[x]
        gone = _days(s & ~plan)
        full = [d for d in _days(plan & ~s) if len(occ[d]) >= cap[d]]
        _WORK.units += self.n
        if len(full) > len(gone):
            return False
        _WORK.units += sum(len(occ[night]) for night in full) * (len(gone) + 1) // 3
        options: list[list[tuple[int, int]]] = []
        for night in full:
            found = []
            for z in occ[night]:
                rest = sched[z] & ~(1 << night)
                for o in gone:
                    if not avail[z] >> o & 1 or rest & win[o]:
                        continue
                    after = wl[z] + wk[o] - wk[night]
                    if after != wl[z] and not wlo < after < whi:
                        continue
                    found.append((z, o))
            if not found:
                return False
            options.append(found)
        match = self._match(options)
        if match is None:
            return False
        changes = {x: plan}
        for night, (z, o) in zip(full, match, strict=True):
            changes[z] = (sched[z] & ~(1 << night)) | 1 << o
        if plan.bit_count() == s.bit_count():
            return self._try(changes, cur)
        # one shift fewer for x: another household takes one of the nights left over
        hi, _, _, _ = _extremes(self.hist_l)
        left = [o for o in gone if o not in {o for _, o in match}]
        for o in left:
            for w in self.by_night[o]:
                if w in changes or self.load[w] + 1 > hi:
                    continue
                if sched[w] & win[o]:
                    continue
                if self._try({**changes, w: sched[w] | 1 << o}, cur):
                    return True
        return False

    @staticmethod
    def _match(options: list[list[tuple[int, int]]]) -> list[tuple[int, int]] | None:
        """One (household, night) per row with distinct nights (Kuhn's augmenting
        paths), then distinct households too, or None."""
        owner: dict[int, int] = {}
        chosen: list[tuple[int, int]] = [(-1, -1)] * len(options)

        def place(row: int, seen: set[int]) -> bool:
            _WORK.units += len(options[row])
            for z, o in options[row]:
                if o in seen:
                    continue
                seen.add(o)
                if o not in owner or place(owner[o], seen):
                    owner[o] = row
                    chosen[row] = (z, o)
                    return True
            return False

        for row in range(len(options)):
            if not place(row, set()):
                return None
        if len({z for z, _ in chosen}) < len(chosen):
            return None
        return chosen

    def segment_swaps(self, weekend: bool, deadline: float) -> bool:
        """Two households exchange their shifts on a run of consecutive nights.

        Every night keeps its occupancy, so only gaps at the ends of the run and
        availability need checking; this shifts a household's whole rhythm, which
        single-shift chains cannot do when schedules are packed ``min_gap_days`` apart.
        """
        load, wl, sched, avail = self.load, self.wl, self.sched, self.avail
        wm, n = self.weekend_mask, self.n
        cur = self.objective()
        hist = self.hist_w if weekend else self.hist_l
        top, _, bottom, _ = _extremes(hist)
        values = wl if weekend else load
        order = sorted(range(self.H), key=lambda h: self.rank[h])
        dirs = self._weekend_dirs() if weekend else [0] * self.H
        targets = [h for h in order if dirs[h] or (not weekend and values[h] in (top, bottom))]
        counted = wm if weekend else (1 << n) - 1
        for x in targets:
            down = dirs[x] < 0 if weekend else values[x] == top
            ax, sx = avail[x], sched[x]
            for y in order:
                if y == x:
                    continue
                if _clock() > deadline:
                    return False
                ay, sy = avail[y], sched[y]
                both = sx | sy
                if not both:
                    continue
                shifts = both.bit_count()
                _WORK.units += n // 2 + shifts * shifts // 4
                # the nights that change x's count (or weekend count) the way it must go
                if not (sx & ~sy if down else sy & ~sx) & counted:
                    continue
                # a swap is fixed by the nights it exchanges: cut only at shifts
                cuts = _days(both)
                # a run ends before a night one of them may not take from the other
                bad = sy & ~ax | sx & ~ay
                # before[i]: y's shifts less x's counted before cut i (a run's delta)
                before = [0]
                for t in cuts:
                    before.append(before[-1] + (counted >> t & 1) * ((sy >> t & 1) - (sx >> t & 1)))
                for i, t1 in enumerate(cuts):
                    for j in range(i, len(cuts)):
                        t2 = cuts[j]
                        if bad >> t2 & 1:
                            break
                        delta = before[j + 1] - before[i]
                        if delta == 0 or (delta > 0) == down:
                            continue
                        seg = ((1 << (t2 + 1)) - 1) ^ ((1 << t1) - 1)
                        xs, ys = sx & seg, sy & seg
                        # each keeps its own shifts outside the run, valid among
                        # themselves as the other's inside it: only the ends can clash
                        _WORK.units += 3
                        if _clash(sx & ~seg, ys, self.win):
                            continue
                        _WORK.units += 3
                        if _clash(sy & ~seg, xs, self.win):
                            continue
                        nx, ny = sx ^ xs | ys, sy ^ ys | xs
                        changes = {x: nx, y: ny}
                        new = self._objective_after(self._deltas(changes))
                        if weekend:
                            if new[0] > cur[0] or new[2:] >= cur[2:]:
                                continue
                        elif new[:2] >= cur[:2]:
                            continue
                        if self._commit(changes):
                            return True
        return False

    def _try(self, changes: dict[int, int], cur: tuple[int, int, int, int]) -> bool:
        """Commit ``changes`` if they keep the spread and improve the weekend figures."""
        new = self._objective_after(self._deltas(changes))
        if new[0] > cur[0] or new[2:] >= cur[2:]:
            return False
        return self._commit(changes)

    # -- bounds --

    def relaxation(self) -> _Relaxation:
        """The LP relaxation of this problem, built on first use (one per solve)."""
        if _WORK.relaxation is None:
            _WORK.relaxation = _Relaxation(self.avail, self.n, self.g, self.cap, self.weekend_mask)
        return _WORK.relaxation

    def weekend_reach(self) -> tuple[list[list[tuple[int, int]]], int, int]:
        """Every household's ``_weekend_range``, and the weekend loads every household can
        reach: at least the floor, at most the ceiling (loads outside need a window wider).
        Computed on first use (one per solve: every engine of a solve has its problem)."""
        return self.month.reach

    def _best_schedule(self, weight: list[float], allowed: int) -> tuple[float, int]:
        """Most valuable valid schedule of ``h`` on ``allowed`` nights (positive weights)."""
        n, g = self.n, self.g
        _spend(2 * n // 3)
        best = [0.0] * (n + g)
        take = [False] * n
        for i in range(n - 1, -1, -1):
            skip = best[i + 1]
            if allowed >> i & 1 and weight[i] > 0:
                value = weight[i] + best[i + g]
                if value > skip:
                    best[i] = value
                    take[i] = True
                    continue
            best[i] = skip
        mask = 0
        i = 0
        while i < n:
            if take[i]:
                mask |= 1 << i
                i += g
            else:
                i += 1
        return best[0], mask

    def priced_greedy(self, price: list[float], order: list[int]) -> None:
        """Households in turn take their most shifts on nights with room, cheap first."""
        weight = [1.0 - 0.01 * p for p in price]
        for h in order:
            room = self._free_mask()
            _, mask = self._best_schedule(weight, self.avail[h] & room)
            self._set(h, mask)

    def lns_fill(self, price: list[float], target: int, rounds: int, deadline: float) -> None:
        """Households kept from an empty place re-plan their whole schedules in turn.

        A few households available on a night with an empty place (but blocked by
        their own shifts) give up their schedules and re-plan, most shifts first,
        on the nights with room.  Kept unless places are lost; tie-breaks come
        from the seed, so the walk is deterministic.
        """
        rng = random.Random(f"{self.problem.seed}:lns")
        weight = [1.0 - 0.01 * p for p in price]
        occ, cap, sched = self.occ, self.cap, self.sched
        for _ in range(rounds):
            if self.filled >= target or _clock() > deadline:
                return
            empty = [
                d
                for d in range(self.n)
                if len(occ[d]) < cap[d] and any(not sched[h] >> d & 1 for h in self.by_night[d])
            ]
            if not empty:
                return
            night = rng.choice(empty)
            blocked = [h for h in self.by_night[night] if not sched[h] >> night & 1]
            chosen = rng.sample(blocked, min(len(blocked), 1 + rng.randrange(3)))
            saved = {h: sched[h] for h in chosen}
            before = self.filled
            for h in chosen:
                self._set(h, 0)
            rng.shuffle(chosen)
            for h in chosen:
                room = self._free_mask()
                _, mask = self._best_schedule(weight, self.avail[h] & room)
                self._set(h, mask)
            if self.filled < before:
                for h in chosen:
                    self._set(h, 0)
                for h in chosen:
                    self._set(h, saved[h])
        self._replans.clear()
        self._plans.clear()

    def room(self) -> tuple[int, int]:
        """The most places any roster fills on weekday nights and on weekend nights: no
        night more than its team or the households free on it."""
        room = [0, 0]
        for d in range(self.n):
            room[self.wk[d]] += min(self.cap[d], self.month.free_count[d])
        return room[0], room[1]

    def filled_upper_bound(self, caps: list[int]) -> int:
        """An upper bound on the places any valid roster fills: ``room`` on the nights,
        no household more than its most shifts."""
        return min(sum(self.room()), sum(caps))

    def refine_spread_bound(
        self,
        bound: int,
        ours: int,
        total: int,
        caps: list[int],
        deadline: float,
    ) -> int:
        """Raise ``bound`` while the LP refutes every load window of that width for a
        roster of ``total`` shifts: all at once (``within``), else one by one.  (Where
        ``ours`` is a roster's spread, asking ``within`` of the width one narrower
        first, which would raise the bound to ours at once, refuted on 68 of the 127
        reference RTs that asked it, but the windows one by one cost less: 0.7% less
        work without it, and its 0.4 s on the wall.)"""
        top_prior = max(self.prior)
        top_low = min(p + c for p, c in zip(self.prior, caps, strict=True))
        while bound < ours:
            if _clock() > deadline:
                return bound
            # the windows of loads ``bound`` wide whose counts can add up to ``total``
            checks = []
            for low in range(top_prior - bound, top_low + 1):
                windows = [
                    (max(0, low - p), min(c, low + bound - p))
                    for p, c in zip(self.prior, caps, strict=True)
                ]
                if (
                    all(a <= b for a, b in windows)
                    and sum(a for a, _ in windows) <= total <= sum(b for _, b in windows)
                    and not self.relaxation().known_refuted(windows, None, total)
                ):
                    checks.append(windows)
            _spend(len(self.prior) * (top_low - top_prior + bound + 1))
            # one LP may refute those left all at once; where there is one, it is that check
            if len(checks) > 1 and not self.relaxation().within(self.prior, bound, total):
                bound += 1
                continue
            for windows in checks:
                if _clock() > deadline:
                    return bound
                if self.relaxation().feasible(windows, None, total):
                    return bound
            bound += 1
        return bound

    # -- output --

    def snapshot(self) -> _Engine:
        """A copy of this roster in an engine of its own (same tie-breaks)."""
        other = _Engine(self.problem, self.restart)
        for h, mask in enumerate(self.sched):
            other._set(h, mask)
        return other

    def roster_is_valid(self) -> bool:
        """Re-check every hard rule on the whole roster (a guard, not a search step)."""
        # the schedules again, from the nights' members: the same, no one twice a night
        rebuilt = [0] * self.H
        for d, members in enumerate(self.occ):
            if len(members) > self.cap[d]:
                return False
            bit = 1 << d
            for h in members:
                if rebuilt[h] & bit:
                    return False
                rebuilt[h] |= bit
        if rebuilt != self.sched:
            return False
        # as _valid, household by household: free on its nights, shifts g days apart
        _WORK.units += 3 * self.H
        g = self.g
        return all(not s & ~a and _spaced(s, g) for s, a in zip(rebuilt, self.avail, strict=True))

    def figures(self) -> Figures:
        spread, _, weekend, _ = self.objective()
        return Figures(self.places - self.filled, spread, weekend)

    def nights(self) -> tuple[tuple[date, tuple[str, ...]], ...]:
        # the households are in the order of their ids: their indices sort as the ids do
        ids = [h.id for h in self.hh]
        return tuple(
            (day, tuple([ids[h] for h in sorted(self.occ[d])])) for d, day in enumerate(self.days)
        )


def _better(a: _Engine, b: _Engine) -> bool:
    """Is roster ``a`` better than ``b`` on the figures, in their order?"""
    fa, fb = a.figures(), b.figures()
    key_a = (fa.unfilled, fa.spread, fa.weekend_spread, a.objective())
    key_b = (fb.unfilled, fb.spread, fb.weekend_spread, b.objective())
    return key_a < key_b


def _construct(problem: Problem, deadline: float) -> tuple[_Engine, list[int], int]:
    """Best first roster of several constructions, each household's most shifts, and
    the most places any roster fills.

    Where the three greedy constructions fill fewer places than the LP allows, a
    dive from the LP at its most places (loads aside) comes next: the LP's bound on
    places is nearly always exact, and the dive reaches it where the chains and
    re-plans did not (on all 4 of 420 RTs with CP-SAT optima where they fell one
    place short).  The seeded restarts come after it, for when it does not land:
    before it, their 16 greedy passes (6.5 ms of work on an RT of 15 households)
    were spent where the dive lands at once.
    """
    eng = _Engine(problem)
    eng.greedy(0)
    caps = eng.month.most
    if eng.filled >= eng.places:
        return eng, caps, eng.places
    # the trivial bound first; the LP's, where the rosters do not meet it (a block
    # relaxation by max-flow between them settled a fifth of those RTs, and cost more
    # on the others than the LP it saved on these)
    filled_ub = eng.filled_upper_bound(caps)
    price: list[float] | None = None

    def fill_bound() -> None:
        """The LP's bound on places, and the nights' prices (see below)."""
        nonlocal filled_ub, price
        relaxed = eng.relaxation().fill()
        # None past the wall limit or a budget too small for it: the trivial bound holds
        value, price = relaxed if relaxed is not None else (float(filled_ub), [0.0] * eng.n)
        filled_ub = min(filled_ub, int(value + 1e-6))

    # far short of the trivial bound, the first roster's chains and the other two
    # constructions almost never reach it (none of 161 reference RTs 6 or more places
    # short, 2 of 245 such fresh draws; at 4-5 short, 2 of 29), so the LP is built
    # anyway: its bound first stops their chains there, and the constructions once one
    # meets it (1.5% less work on the 895 reference RTs, 1.4-1.7% on 2,400 fresh ones,
    # the same answers at the default budget; under a budget of 10-20 ms the roster the
    # search starts from may be a worse one, as the other two no longer compete)
    if filled_ub - eng.filled >= _FAR_SHORT:
        fill_bound()
    eng.fill(deadline, replan=False, most=filled_ub)

    def restarted(eng: _Engine, starts: list[tuple[int, int]]) -> _Engine:
        """The best of ``eng`` and greedy rosters from (restart, variant) ``starts``."""
        for restart, variant in starts:
            if eng.filled >= filled_ub or _clock() > deadline:
                break
            other = _Engine(problem, restart)
            other.greedy(variant)
            other.fill(deadline, replan=False, most=filled_ub)
            if _better(other, eng):
                eng = other
        return eng

    # the other two constructions before the LP (unless it came first, above): where one
    # meets the trivial bound, the LP is not built (it was, on 55 of the 745 reference
    # RTs whose optimum meets it): 2.5% less work there, the same answers, tight RTs'
    # median on the bench 8.5 ms instead of 12.5; on 1,600 fresh RTs 3.6% less, the
    # same answers
    eng = restarted(eng, [(0, 1), (0, 2)])
    if eng.filled < filled_ub and price is None:
        fill_bound()
    if eng.filled < filled_ub and price is not None:
        # a roster dived from the LP at the most places (loads aside)
        relaxation = eng.relaxation()
        if relaxation.feasible([(0, c) for c in caps], None, filled_ub):
            roster = relaxation.dive(_DIVE_ROUNDS, deadline)
            if roster is not None:
                other = _Engine.of_shifts(problem, _RESTARTS + 60, roster)
                other.fill(deadline, replan=False, most=filled_ub)
                if _better(other, eng):
                    eng = other
    # restarts with tie-breaks drawn from the seed
    eng = restarted(eng, [(k, 1 + k % 2) for k in range(1, _RESTARTS)])
    if eng.filled < filled_ub and price is not None:
        for restart in range(_RESTARTS // 2):
            if eng.filled >= filled_ub or _clock() > deadline:
                break
            other = _priced_start(problem, restart, price, caps, filled_ub, deadline)
            if _better(other, eng):
                eng = other
    if eng.filled < filled_ub:
        # re-plans that fill no more places may still unsettle the loads: keep the better
        saved = eng.snapshot()
        if price is not None:
            eng.lns_fill(price, filled_ub, _LNS_ROUNDS, deadline)
            eng.fill(deadline, replan=False, most=filled_ub)
        if eng.filled < filled_ub:
            eng.fill(deadline, replan=True, most=filled_ub)
        if _better(saved, eng):
            eng = saved
    return eng, caps, filled_ub


def _priced_start(
    problem: Problem,
    restart: int,
    price: list[float],
    caps: list[int],
    filled_ub: int,
    deadline: float,
) -> _Engine:
    """A construction guided by night prices, tie-breaks from ``restart``; ``caps``: each
    household's most shifts; ``filled_ub``: the most places any roster fills."""
    eng = _Engine(problem, restart)
    if restart % 2:
        eng.greedy(1, price)
    else:
        # least flexible households first, ties by the seeded rank
        eng.priced_greedy(price, sorted(range(eng.H), key=lambda h: (caps[h], eng.rank[h])))
    eng.fill(deadline, replan=False, most=filled_ub)
    return eng


def _improve(
    eng: _Engine,
    filled_ub: int,
    bounds: Figures,
    deadline: float,
    stall: bool = False,
    first: bool = False,
) -> None:
    """Local search on the figures in their order: spread, then weekend spread.

    ``first``: the first search, before the LP's bounds.  A spread that stalls above
    its bound ends it there: the bound is then often one below the optimum's, and
    the weekend bound the search would aim at is that narrower width's; the bounds
    and the dives come next (the slowest RTs of the bench had spent 40-50k units on
    weekend moves toward it: crowded 16 254k to 205k units; 0.9% less work on the
    745 reference RTs and on 1,600 fresh ones, the same answers)."""
    reached = eng.improve(False, bounds.spread, deadline, stall)
    if eng.filled < filled_ub and eng.fill(deadline, replan=True, most=filled_ub):
        reached = eng.improve(False, bounds.spread, deadline, stall)
    if first and not reached:
        return
    # the plain weekend moves first (they settle most RTs); steering where they stall
    eng.improve(True, bounds.weekend_spread, deadline, stall)
    if eng.objective()[2] > bounds.weekend_spread:
        _steer_weekend(eng, bounds.weekend_spread, deadline, stall)


def _polish(
    eng: _Engine, filled: int, filled_ub: int, bounds: Figures, deadline: float, stall: bool = False
) -> None:
    """Finish a roster built toward a window: the chains fill its empty places (re-planning
    schedules if it fills fewer than ``filled``), then the local search (``stall``: see
    ``_Engine.improve``)."""
    eng.fill(deadline, replan=False, most=filled_ub)
    if eng.filled < filled:
        eng.fill(deadline, replan=True, most=filled_ub)
    _improve(eng, filled_ub, bounds, deadline, stall)


def _steer_weekend(eng: _Engine, bound: int, deadline: float, stall: bool = False) -> None:
    """Narrow the weekend spread by steering toward windows of weekend loads.

    For the next spread down, every window of weekend loads that some window of
    loads (as wide as the roster's spread) leaves possible for counts adding up
    to the places filled becomes, nearest first, the search's target
    (``w_target``); moves are kept while they bring weekend loads into it.
    """
    if not eng.H or eng.objective()[2] <= bound:
        return
    tables, w_floor, w_ceiling = eng.weekend_reach()
    prior, prior_w = eng.prior, eng.prior_w
    try:
        while _clock() < deadline:
            spread, _, weekend, _ = eng.objective()
            k = weekend - 1
            if k < bound:
                return
            top = min(p + len(t) - 1 for p, t in zip(prior, tables, strict=True))
            windows: list[tuple[int, list[tuple[int, int, int, int]]]] = []
            for w_low in range(w_floor - k, w_ceiling + 1):
                for low in range(max(prior) - spread, top + 1):
                    ranges = _count_ranges(
                        prior, prior_w, tables, low, low + spread, w_low, w_low + k
                    )
                    if ranges is not None and (
                        sum(r[0] for r in ranges) <= eng.filled <= sum(r[1] for r in ranges)
                    ):
                        windows.append((w_low, ranges))
                        break
            eng.w_target = None
            hist = dict(eng.hist_w)
            windows.sort(
                key=lambda item: sum(
                    c * (item[0] - v if v < item[0] else v - item[0] - k if v > item[0] + k else 0)
                    for v, c in hist.items()
                )
            )
            for w_low, ranges in windows:
                eng.w_target = (w_low, w_low + k)
                eng.w_windows = ranges
                # a window can stall a step short: leave time for the others
                eng.improve(True, k, _share(deadline, 0.6), stall)
                if eng.objective()[2] <= k or _clock() > deadline:
                    break
            if eng.objective()[2] > k:
                return
    finally:
        eng.w_target = None
        eng.w_windows = None


@dataclass
class _Proved:
    """What earlier bound calls proved, so later ones neither repeat nor lose it.

    ``spread`` bounds the optimum's spread; ``weekend[w]`` its weekend spread for
    loads in a window of width w (it holds for every narrower window too).  A
    weekend bound is *final* when no window below it is refuted and one at it is
    left open: asking again would only find that window again, until the dives
    refute it (they un-mark the width then).  ``weekend_unchecked``: the widths
    final on the LP of nights' certificates alone, whose open window no LP solve
    confirmed (the budget's last bounds ask the LP of those).
    """

    spread: int = 0
    spread_final: bool = False
    weekend: dict[int, int] = field(default_factory=dict)
    weekend_final: set[int] = field(default_factory=set)
    weekend_unchecked: set[int] = field(default_factory=set)
    # the checks whole schedules refuted (the bounds without the LP pass them over: on
    # tight RTs whose places the greedy fills, the dives come before the local search,
    # and a bound short of what they refuted sent the search after it, 70-86k units
    # on each of three reference RTs)
    refuted: set[_Check] = field(default_factory=set)
    # (household, schedule) columns whole schedules priced so far (``_Schedules``):
    # each window's column generation starts from those that fit it
    priced: dict[tuple[int, int], None] = field(default_factory=dict)
    # the multipliers of the windows whole schedules refuted, for the next ones
    cuts: list[_Cut] = field(default_factory=list)
    # the windows the weekend bound left open on whole schedules (they fit, or its
    # deadline stopped them), each with its column generation, for the dives
    left_open: dict[_Check, _Schedules] = field(default_factory=dict)


def _bounds(
    eng: _Engine,
    caps: list[int],
    filled_ub: int,
    deadline: float,
    known: _Proved,
    lp: bool = True,
    check: bool = False,
) -> Figures:
    """Lower bounds on the optimum's figures, given roster ``eng`` (sharper when it
    fills the most places any roster can, so the optimum fills as many).  With
    ``check``, the weekend bound asks the LP of nights of the window it left open
    on its certificates alone (``_Proved.weekend_unchecked``).

    ``known`` carries what earlier calls proved (the LP checks are the costly
    part).  Without ``lp`` the LP is neither built nor asked: before the local
    search the roster's figures are far from the optimum's, and not refuting a
    window (which takes every check) is then the common, wasted, case; on a loose
    RT of 50-80 households, building and solving the LP cost more than the search
    that follows.
    """
    figs = eng.figures()
    spread_lb = _spread_bound(eng.prior, caps, eng.filled, filled_ub)
    proved_fill = eng.filled == filled_ub
    if proved_fill:
        spread_lb = max(spread_lb, known.spread)
    if lp and proved_fill and figs.spread > spread_lb and not known.spread_final:
        if _WORK.relaxation is None:
            # the LP of nights is not built (the construction filled the most places
            # without it): whole schedules refute widths of loads instead
            reach = eng.weekend_reach()
            while spread_lb < figs.spread and not _loads_fit(
                eng, reach, caps, spread_lb, eng.filled, deadline, known
            ):
                spread_lb += 1
        else:
            spread_lb = eng.refine_spread_bound(spread_lb, figs.spread, eng.filled, caps, deadline)
        known.spread = spread_lb
        # only the deadline ends the search early; otherwise a window at the bound is open
        known.spread_final = spread_lb < figs.spread and _clock() <= deadline
    weekend_caps = eng.month.most_w
    weekday_room, weekend_room = eng.room()
    weekend_lb = _spread_bound(
        eng.prior_w, weekend_caps, max(0, eng.filled - weekday_room), weekend_room
    )
    # the optimum's spread is at most this roster's only when its fill is optimal
    if proved_fill:
        width = figs.spread
        weekend_lb = max([weekend_lb, *(lb for w, lb in known.weekend.items() if w >= width)])
        asked = width not in known.weekend_final or (check and width in known.weekend_unchecked)
        if figs.weekend_spread > weekend_lb and asked:
            weekend_lb = _weekend_bound(
                eng,
                weekend_lb,
                figs.weekend_spread,
                width,
                eng.filled,
                caps,
                deadline,
                known,
                lp,
                check,
            )
            # kept without the LP too: every level below the bound was enumerated whole
            # and held no window past the filters (counts that add up, weekend loads
            # that add up, not refuted already), which the LP's path applies as well;
            # asked again (a landed roster's bounds), they were enumerated again, a tenth
            # of a small tight RT's solve.  (``_weekend_bound`` marks the width final
            # where it left a window open)
            known.weekend[width] = weekend_lb
    return Figures(eng.places - filled_ub, spread_lb, min(weekend_lb, figs.weekend_spread))


def _dived(
    problem: Problem,
    best: _Engine,
    caps: list[int],
    filled_ub: int,
    bounds: Figures,
    deadline: float,
    known: _Proved,
) -> _Engine:
    """A roster dived at the narrowest windows the bounds leave open, kept when better.

    For the most places any roster may fill, each spread from its bound up to
    this roster's, and each weekend spread from its bound up (below this
    roster's at its own spread): the windows of loads and weekend loads whose
    counts can add up to those places are asked of whole schedules
    (``_Schedules``: refuted, they are remembered for the bounds; else dived);
    where that neither refutes nor lands, the LP of nights checks the window and
    dives (``_Relaxation.dive``), up to ``_DIVES`` per spread.  A dive that
    lands is a roster within its windows (the first is kept, polished toward
    its own bounds: the windows below it that the dives refuted raise them, and
    the local search stops there; where that polish stalls short of them, the
    rounding below has a turn too).  If none lands, ``_lp_rounded``.  Given the
    optimum's figures, the first open window's dive landed on 293 of 300 tight
    RTs (measured with dives from scratch): what fails is a bound below the
    optimum, whose windows the LP leaves open and no roster fills.
    """
    if not best.H:
        return best
    prior, prior_w = best.prior, best.prior_w
    reach = best.weekend_reach()
    total = filled_ub
    ours = best.figures()
    width = bounds.spread
    if best.filled < total:
        # the spread bound so far holds for any fill; refine it for the most places
        width = best.refine_spread_bound(width, max(prior) + max(caps), total, caps, deadline)
    # only rosters better than ours are worth a dive
    widths = range(width, ours.spread + 1 if best.filled == total else max(prior) + max(caps))
    # the dives leave the rounding time for its polish (see _DIVE_RESERVE)
    diving = (1 - _DIVE_RESERVE) * deadline

    def no_room() -> bool:
        """Would a dive started now not end before ``diving``?"""
        return _clock() + _DIVE_ROOM * best.relaxation().cold_cost() > diving

    def open_windows(width: int) -> Iterator[list[tuple[int, int, int, int]]]:
        k_top = max(prior_w) + max(caps)
        if best.filled == total and width == ours.spread:
            k_top = ours.weekend_spread - 1
        for k in range(bounds.weekend_spread, k_top + 1):
            # no LP is asked of a whole level of windows at once (``within``): the
            # bounds have left the levels dived open, and it refuted none of those
            # of the 745 reference RTs (2% of their work)
            yield from _nearest_first(best, _fitting_windows(best, reach, caps, width, k, total))

    def land(
        roster: list[tuple[int, int]],
        first: tuple[dict[tuple[int, int], float], list[tuple[int, int, int, int]]] | None,
    ) -> _Engine:
        """A landed dive's roster, polished (see above); kept when better."""
        # it fills ``total`` places, as the LP's row of all shifts holds it
        other = _Engine.of_shifts(problem, _RESTARTS + 50, roster)
        # the windows below this one that the dives refuted are remembered: the
        # bounds of the landed roster may now rise to it, and the polish stop there
        landed = _bounds(other, caps, filled_ub, _share(deadline, 0.15), known)
        aim = Figures(
            bounds.unfilled,
            max(bounds.spread, landed.spread),
            max(bounds.weekend_spread, landed.weekend_spread),
        )
        # where its polish stalls short of the aim, the rounding ``_lp_rounded``
        # would have made gets a turn too (of the last failed dive's shares, or
        # of this window's before the dive), and the better of the two the time
        # left: a landed roster can sit in a basin the rounding's polish leaves
        # (gap6-11 draw 47: the dive's polish stalled at a weekend spread of 1,
        # the rounding's reached 0; the same figures on 1,440 fresh RTs)
        _polish(other, total, filled_ub, aim, deadline, stall=True)
        if other.figures() != aim and first is not None and _clock() < deadline:
            rounded = _rounded(problem, first, total, filled_ub, aim, deadline, True)
            if _better(rounded, other):
                other = rounded
            _improve(other, filled_ub, aim, deadline)
        return other if _better(other, best) else best

    first: tuple[dict[tuple[int, int], float], list[tuple[int, int, int, int]]] | None = None
    for width in widths:
        if (
            best.filled == total
            and width < ours.spread
            and not (known.spread_final and width <= known.spread)
        ):
            # whole schedules may refute every window of loads this wide at once,
            # weekend loads aside: the spread's bound then rises past it (not where
            # the LP of nights found such a window open: of the 745 reference RTs,
            # they then refuted none, at 2% of the work)
            if not _loads_fit(best, reach, caps, width, total, diving, known):
                known.spread = max(known.spread, width + 1)
                continue
        dives = 0
        for ranges in open_windows(width):
            if _clock() > diving:
                return _lp_rounded(problem, best, first, filled_ub, bounds, deadline)
            counts = [(a, b) for a, b, _, _ in ranges]
            weekend = [(a, b) for _, _, a, b in ranges]
            # the LP of nights is built where whole schedules first leave a window to it
            # (they settle most alone); the windows they refuted are in ``known`` only
            key = _check(counts, weekend, total)
            if key in known.refuted or (
                _WORK.relaxation is not None
                and _WORK.relaxation.known_refuted(counts, weekend, total)
            ):
                continue
            # whole schedules first: their LP refutes what the LP of nights refutes and
            # more, and their dive lands where the LP's does not.  A window the weekend
            # bound left open on whole schedules goes on from where its column generation
            # ended (29 times on the reference RTs, where a new one priced again from the
            # pool: 1% less work there and on 1,600 fresh RTs).  Where that dive fails, a
            # new one has its turn: the dive follows the LP's vertex, and from the old one
            # fresh 7-crowded-91 and 5-crowded-68 lost their optimum
            schedules = known.left_open.pop(key, None)
            roster = schedules.roster(diving) if schedules is not None else None
            if schedules is None or roster is None:
                # where the LP of nights is built, its last roster seeds the columns
                schedules = _Schedules(
                    best.month,
                    ranges,
                    total,
                    best.sched,
                    known.priced,
                    known.cuts,
                    _WORK.relaxation,
                )
                roster = schedules.roster(diving)
            if schedules.refuted:
                known.refuted.add(key)
                # the weekend bound at this width, final while this window was left
                # open, may rise now
                known.weekend_final.discard(width)
                continue
            if roster is None:
                # with no room for another dive, the checks of the windows left only cost
                # the rounding its polish (crowded-99-13 optimal so, none lost on 632 RTs)
                if first is not None and no_room():
                    return _lp_rounded(problem, best, first, filled_ub, bounds, deadline)
                relaxation = best.relaxation()
                if not relaxation.feasible(counts, weekend, total):
                    # (as where whole schedules refute it)
                    known.weekend_final.discard(width)
                    continue
                if first is None:
                    first = (relaxation.shares(), ranges)
                if no_room():
                    # no time for a dive to end (the LP of a large RT): the rounding and
                    # the local search have it
                    return _lp_rounded(problem, best, first, filled_ub, bounds, deadline)
                roster = relaxation.dive(_DIVE_ROUNDS, diving)
            if roster is not None:
                return land(roster, first)
            # rounding starts from where the dive got to, nearer whole than the check
            first = (best.relaxation().shares(dived=True), ranges)
            dives += 1
            if dives >= _DIVES:
                break
    return _lp_rounded(problem, best, first, filled_ub, bounds, deadline)


def _loads_fit(
    eng: _Engine,
    reach: tuple[list[list[tuple[int, int]]], int, int],
    caps: list[int],
    width: int,
    total: int,
    deadline: float,
    known: _Proved,
) -> bool:
    """May a roster of ``total`` shifts have its loads in some window ``width`` wide?
    False where whole schedules (``_Schedules``, phase one) refute every such window,
    weekend loads aside; True where one is left open, or at ``deadline``.  (Diving the
    open one instead, for a roster of a spread better than ours, weekend loads aside:
    on 1,600 fresh RTs 8 better, 8 worse.)"""
    prior, prior_w = eng.prior, eng.prior_w
    tables = reach[0]
    # weekend loads aside: every weekend count each shift count allows
    anywhere = (-(1 << 30), 1 << 30)
    for low in _lows_adding_up(prior, tables, caps, width, total):
        if _clock() > deadline:
            return True
        ranges = _count_ranges(prior, prior_w, tables, low, low + width, *anywhere)
        if ranges is None or not sum(r[0] for r in ranges) <= total <= sum(r[1] for r in ranges):
            continue
        schedules = _Schedules(eng.month, ranges, total, eng.sched, known.priced, known.cuts)
        if schedules.fits(deadline) is not False:
            return True
    return False


def _lp_rounded(
    problem: Problem,
    best: _Engine,
    first: tuple[dict[tuple[int, int], float], list[tuple[int, int, int, int]]] | None,
    filled_ub: int,
    bounds: Figures,
    deadline: float,
) -> _Engine:
    """``first``'s fractional roster (the first open window's, or the last failed
    dive's, nearer whole) rounded by ``lp_round``, filled by the chains and polished
    by the local search; kept when better.  None: ``best``."""
    if first is None:
        return best
    other = _rounded(problem, first, best.filled, filled_ub, bounds, deadline)
    return other if _better(other, best) else best


def _rounded(
    problem: Problem,
    first: tuple[dict[tuple[int, int], float], list[tuple[int, int, int, int]]],
    filled: int,
    filled_ub: int,
    bounds: Figures,
    deadline: float,
    stall: bool = False,
) -> _Engine:
    """``first``'s fractional roster rounded by ``lp_round``, then ``_polish``ed."""
    other = _Engine(problem, _RESTARTS + 50)
    other.lp_round(*first)
    _polish(other, filled, filled_ub, bounds, deadline, stall)
    return other


def _share(deadline: float, fraction: float) -> float:
    """A deadline ``fraction`` of the way from now to ``deadline`` (``deadline`` itself
    once past it, or past the wall limit)."""
    now = _clock()
    return min(deadline, now + fraction * max(0.0, deadline - now))


def solve(problem: Problem, *, time_budget_s: float = 0.2) -> Solution:
    """Return a valid roster, lower bounds on its figures, and whether it is proved optimal.

    The search ends where the best roster meets its bounds, or once the dives and
    the local search after them have run; the budget's last part goes to the bounds.
    The budget is read off the work clock (``_Work``), so the same problem and seed give the
    same roster on any machine and under any load; only a run that takes more
    than ``_WALL_FACTOR`` times the budget on the wall is cut short there (still
    valid, with honest bounds).
    """
    budget = time_budget_s / _UNIT_S if _UNIT_S else math.inf
    _WORK.start(time.perf_counter() + _WALL_FACTOR * time_budget_s, budget)
    try:
        return _solve(problem, time_budget_s)
    finally:
        _WORK.wall_limit = _WORK.budget = math.inf
        _WORK.forget()


def _solve(problem: Problem, time_budget_s: float) -> Solution:
    # the work clock starts at zero with each solve; deadlines are set from that zero,
    # not from _clock(), which is infinite past the wall limit
    started = 0.0
    final = started + time_budget_s
    # the search leaves the last part of the budget to the bounds of its best roster
    deadline = started + 0.97 * time_budget_s
    known = _Proved()
    best, caps, filled_ub = _construct(problem, deadline)
    # where the construction built the LP (places must stay empty), its weekend checks
    # come first too: the local search then stops at the bound instead of searching
    # on below the optimum until its share runs out (a sixth of the work on tight RTs,
    # the same figures on 320 RTs with CP-SAT optima)
    lp = _WORK.relaxation is not None
    bounds = _bounds(best, caps, filled_ub, started + 0.15 * time_budget_s, known, lp=lp)
    # where every household serves its most shifts and places still stay empty (the
    # construction met the trivial bound on places without the LP), the households
    # hardly meet on a night: whole schedules land on the weekend bound at once, where
    # the local search grinds toward it (tight-41 draw 37: 16k units instead of 62k)
    figs = best.figures()
    if (
        not lp
        and filled_ub < best.places
        and best.filled == filled_ub
        and figs.spread == bounds.spread
        and figs != bounds
    ):
        best = _dived(problem, best, caps, filled_ub, bounds, deadline, known)
        bounds = _bounds(best, caps, filled_ub, _share(deadline, 0.15), known, lp=lp)
        figs = best.figures()
    # a short local search settles most RTs; the LP bounds may then end the search.
    # Not where the construction built the LP (places must stay empty): the dives come
    # at once there, and land where that search would grind (it had 0.05 of the budget:
    # without it 3.5% less work on the 745 reference RTs and 4% on 1,600 fresh ones, the
    # same answers; at 0.03 1.3% less, at 0.1 4.6% more)
    if not lp:
        # a weekend spread two or more above its bound: the weekend moves would grind
        # toward it, where the dives' whole schedules land (see _FIRST_FAR)
        far = figs.weekend_spread - bounds.weekend_spread >= 2
        share = _FIRST_FAR if far else _FIRST_LOOSE
        _improve(best, filled_ub, bounds, _share(deadline, share), stall=True, first=True)
    # a roster at the bounds is optimal, and bounds asked again would only meet it.
    # Where the first bounds were asked without the LP (and the local search ran), the
    # dives come at once: those bounds, asked with it, checked the windows the dives
    # then refute or land on anyway, and on 46 of the 69 reference RTs that asked them
    # raised nothing, at 1.8M units (fresh-42-crowded-32: 54k units, then a dive
    # landed at the first bounds).  0.7% less work on the 745, 1.6% on 1,600 fresh
    # RTs, 1.4% on 800 more, the same answers; skipped where the LP was built too, 0.4-0.8%
    # more than this
    if lp and best.figures() != bounds:
        bounds = _bounds(best, caps, filled_ub, _share(deadline, 0.15), known)
    if best.figures() != bounds:
        # where it stalls, dives from the LP at the windows the bounds leave open
        searched = best
        while True:
            # a landed roster may be dived again: one better in its spread is dived
            # toward the weekend spread's bound next
            before = best
            best = _dived(problem, best, caps, filled_ub, bounds, deadline, known)
            bounds = _bounds(best, caps, filled_ub, _share(deadline, 0.15), known)
            if best is before or best.figures() == bounds or _clock() > deadline:
                break
        if best is searched and best.figures() != bounds:
            # no dive did better: the local search goes on where it stopped
            _improve(best, filled_ub, bounds, _share(deadline, 0.2))
            bounds = _bounds(best, caps, filled_ub, _share(deadline, 0.15), known)
    if best.figures() != bounds and _clock() < final:
        # the budget's last part: the checks the dives refuted are remembered, so the
        # bounds of the best roster may now take them all within it, and the LP of nights
        # checks the weekend window the dives left open
        bounds = _bounds(best, caps, filled_ub, final, known, check=True)
    if not best.roster_is_valid():  # never expected; a plain greedy roster is always valid
        best = _Engine(problem)
        best.greedy(0)
        bounds = Figures(best.places - filled_ub, 0, 0)
    figs = best.figures()
    return Solution(
        nights=best.nights(),
        metrics=figs,
        bounds=bounds,
        proved_optimal=figs == bounds,
    )
