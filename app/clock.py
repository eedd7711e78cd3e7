"""The one source of the current time, injectable so tests set it instead of patching."""

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ScaledClock:
    """A clock that starts at a given time and runs ``speed`` times faster than real time.

    It starts when made, or at the wall time ``anchor`` (standing at ``start`` until then):
    processes given one anchor read one time, however long each took to start.
    """

    def __init__(self, start: datetime, speed: float = 1.0, anchor: datetime | None = None) -> None:
        if start.tzinfo is None or (anchor is not None and anchor.tzinfo is None):
            raise ValueError("ScaledClock needs aware datetimes")
        self.start = start
        self.speed = speed
        self.began = time.time() if anchor is None else anchor.timestamp()

    def now(self) -> datetime:
        elapsed = max(0.0, time.time() - self.began)
        return self.start + timedelta(seconds=elapsed * self.speed)


class FixedClock:
    """A clock that stands still until moved; for tests and ``--at`` runs."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


def configured(start: datetime | None, speed: float = 1.0, anchor: datetime | None = None) -> Clock:
    """The system clock, or (for tests and demos) one that starts at ``start``."""
    return ScaledClock(start, speed, anchor) if start is not None else SystemClock()
