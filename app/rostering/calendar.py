"""Dates and hours of a month's nights: pure, no database.

A night belongs to the local date of the evening it starts. A night whose hours
start after midnight (the Ramadan sahur patrol, 02:00-04:30) still belongs to the
evening before, so its start falls on the next calendar day.
"""

import calendar
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Hours before noon are the small hours after the evening the night belongs to.
AFTER_MIDNIGHT_BEFORE = time(12, 0)


def parse_month(text: str) -> tuple[int, int]:
    """Read ``YYYY-MM``; raise ``ValueError`` otherwise."""
    if len(text) != 7 or text[4] != "-":
        raise ValueError("month must be YYYY-MM")
    year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise ValueError("month must be YYYY-MM")
    return year, month


def month_dates(text: str) -> list[date]:
    """Every date of a ``YYYY-MM`` month."""
    year, month = parse_month(text)
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def shift_month(text: str, months: int) -> str:
    """The month ``months`` after (or before, when negative) ``YYYY-MM``."""
    year, month = parse_month(text)
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def weekday_key(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def night_span(night: date, start: time, end: time, zone: str) -> tuple[datetime, datetime]:
    """The aware start and end of the night of ``night`` with the given local hours."""
    tz = ZoneInfo(zone)
    first = night + timedelta(days=1) if start < AFTER_MIDNIGHT_BEFORE else night
    starts = datetime.combine(first, start, tz)
    last = first if end > start else first + timedelta(days=1)
    return starts, datetime.combine(last, end, tz)


@lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays("ID", years=year, language=language).items())


def holiday_name(day: date, language: str = "id") -> str | None:
    """The Indonesian public holiday on ``day``, if any, in Indonesian or English."""
    return _holidays(day.year, "en_US" if language == "en" else "id").get(day)
