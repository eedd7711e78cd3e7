"""APScheduler wiring: a few code-defined ticks; the work and the once-only rule live in service."""

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from app.clock import Clock
from app.jobs import service

log = logging.getLogger("ronda.scheduler")

# Every tick looks every minute; each job's own due rule says which slots are ripe.
TICK_SECONDS = 60
MISFIRE_GRACE_SECONDS = 300


def _tick(factory: sessionmaker[Session], clock: Clock, job: str, hold: float) -> None:
    now: datetime = clock.now()
    try:
        done = service.run_tick(factory, job, now, hold_seconds=hold)
    except Exception:
        log.exception("tick %s failed", job)
        return
    if done:
        log.info("tick %s did %d slot(s)", job, done)


def _deliver(factory: sessionmaker[Session], clock: Clock) -> None:
    try:
        service.deliver(factory, clock.now())
    except Exception:
        log.exception("delivery failed")


def configure(
    scheduler: BaseScheduler,
    factory: sessionmaker[Session],
    clock: Clock,
    *,
    tick_seconds: float = TICK_SECONDS,
    hold_seconds: float = 0,
) -> BaseScheduler:
    """Register the ticks: in-memory store, coalesced, one instance each, a misfire grace."""
    options = {
        "trigger": IntervalTrigger(seconds=tick_seconds),
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        "replace_existing": True,
    }
    for job in service.iter_jobs():
        scheduler.add_job(_tick, id=job, args=(factory, clock, job, hold_seconds), **options)
    scheduler.add_job(_deliver, id="deliver", args=(factory, clock), **options)
    return scheduler


def background(factory: sessionmaker[Session], clock: Clock) -> BackgroundScheduler:
    """The scheduler inside ``ronda serve`` (one process)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    configure(scheduler, factory, clock)
    return scheduler


def blocking(
    factory: sessionmaker[Session], clock: Clock, *, tick_seconds: float, hold_seconds: float
) -> BlockingScheduler:
    """The scheduler as its own process (``ronda scheduler``)."""
    scheduler = BlockingScheduler(timezone="UTC")
    configure(scheduler, factory, clock, tick_seconds=tick_seconds, hold_seconds=hold_seconds)
    return scheduler
