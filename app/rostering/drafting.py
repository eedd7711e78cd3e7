"""Drafting a whole city's rosters: problems built in bulk, solved in parallel, written in bulk.

Each chunk of RTs is one transaction, so an interrupted run keeps what it finished and
a rerun continues with the RTs that still have no roster for the month.
"""

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.areas.models import Area, AreaKind
from app.rostering import calendar
from app.rostering import service as rostering
from app.rostering.models import Roster

CHUNK = 250


@dataclass
class DraftAllResult:
    rts: int
    assignments: int
    unfilled: int
    proved_optimal: int


def rts_without_roster(session: Session, month: str) -> list[int]:
    """Ids of the RTs that have no roster for ``month``, in id order."""
    has = select(Roster.rt_id).where(Roster.month == month)
    return list(
        session.scalars(
            select(Area.id).where(Area.kind == AreaKind.rt, Area.id.not_in(has)).order_by(Area.id)
        )
    )


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def draft_all(
    factory: sessionmaker[Session],
    month: str,
    *,
    now: datetime,
    workers: int = 2,
    progress: Callable[[int], None] = lambda _n: None,
    chunk: int = CHUNK,
) -> DraftAllResult:
    """Draft every RT that has no roster for ``month``; returns what was written."""
    calendar.parse_month(month)
    with factory() as session:
        ids = rts_without_roster(session, month)
    result = DraftAllResult(rts=0, assignments=0, unfilled=0, proved_optimal=0)
    executor: Executor = ProcessPoolExecutor(max_workers=workers)
    try:
        pending: tuple[list[rostering.ProblemContext], Iterator[dict[str, Any]]] | None = None
        for rt_ids in _chunks(ids, chunk):
            with factory() as session:
                rts = list(session.scalars(select(Area).where(Area.id.in_(rt_ids))))
                data = rostering.gather(session, rts, month)
                session.expunge_all()
            contexts = [rostering.problem_from(data[rt_id], month) for rt_id in rt_ids]
            # The workers solve this chunk while this process writes the previous one.
            solving = executor.map(
                rostering.solve_problem, [c.problem for c in contexts], chunksize=8
            )
            if pending is not None:
                _write(factory, *pending, now=now, result=result, progress=progress)
            pending = (contexts, solving)
        if pending is not None:
            _write(factory, *pending, now=now, result=result, progress=progress)
    finally:
        executor.shutdown(cancel_futures=True)
    return result


def _write(
    factory: sessionmaker[Session],
    contexts: list[rostering.ProblemContext],
    solving: Iterator[dict[str, Any]],
    *,
    now: datetime,
    result: DraftAllResult,
    progress: Callable[[int], None],
) -> None:
    drafts = list(zip(contexts, solving, strict=True))
    with factory.begin() as session:
        result.assignments += rostering.store_drafts(session, drafts, actor_id=None, now=now)
    result.rts += len(drafts)
    result.unfilled += sum(r["metrics"]["unfilled"] for _c, r in drafts)
    result.proved_optimal += sum(1 for _c, r in drafts if r["proved_optimal"])
    progress(len(drafts))
