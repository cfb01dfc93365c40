"""Partial dates: a day, a month or a year, and the span of days each may stand for.

"2024-03" means some day in March 2024, not 1 March. Every comparison in the project goes
through the span (earliest and latest possible day), never through the first day alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

_PATTERN = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")
_MONTHS = [calendar.month_name[m] for m in range(1, 13)]
_SHORT_MONTHS = [calendar.month_abbr[m] for m in range(1, 13)]


class Precision(StrEnum):
    """How exactly a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class DateError(ValueError):
    """A text that is not a valid year, year-month or full date."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the day, the month or only the year."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str | dt.date) -> PartialDate:
        """Read "YYYY", "YYYY-MM" or "YYYY-MM-DD" (or a date object), checking the calendar."""
        if isinstance(text, dt.date):
            return cls(text.year, text.month, text.day)
        if not isinstance(text, str):
            raise DateError(f"expected a date as text, got {type(text).__name__}")
        match = _PATTERN.fullmatch(text.strip())
        if match is None:
            raise DateError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(v) if v else None for v in match.group("year", "month", "day"))
        return cls._checked(year, month, day)

    @classmethod
    def _checked(cls, year: int, month: int | None, day: int | None) -> PartialDate:
        if year < 1:
            raise DateError("year 0000 does not exist")
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"month {month:02d} does not exist: months run 01 to 12")
        if day is not None:
            assert month is not None  # the pattern only captures a day after a month
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateError(f"{_MONTHS[month - 1]} {year} has no day {day}: it has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        return Precision.YEAR if self.month is None else Precision.MONTH

    @property
    def earliest(self) -> dt.date:
        """The first day this date may be."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day this date may be."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        parts = [
            f"{self.year:04d}",
            self.month and f"{self.month:02d}",
            self.day and f"{self.day:02d}",
        ]
        return "-".join(p for p in parts if p)

    def in_words(self, short: bool = False) -> str:
        """'2 May 2023', 'March 2024' or '2024', as a reader would say it."""
        if self.month is None:
            return str(self.year)
        month = (_SHORT_MONTHS if short else _MONTHS)[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"


@dataclass(frozen=True, slots=True)
class Span:
    """The inclusive range of days an event may cover: a point, a closed range or ongoing."""

    start: PartialDate
    end: PartialDate | None = None
    ongoing: bool = False

    @property
    def earliest(self) -> dt.date:
        return self.start.earliest

    @property
    def latest(self) -> dt.date:
        """The last day the event may cover; ongoing events stay open to the end of the calendar."""
        if self.ongoing:
            return dt.date.max
        return (self.end or self.start).latest

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """True when any day the event may cover lies in [first, last]."""
        return self.earliest <= last and self.latest >= first

    def in_words(self) -> str:
        """'2 May - 27 Sep 2023', 'March 2024', 'From July 2024 (ongoing)'."""
        if self.ongoing:
            return f"From {self.start.in_words()} (ongoing)"
        if self.end is None or self.end == self.start:
            return self.start.in_words()
        if self.start.year == self.end.year and self.start.precision is not Precision.YEAR:
            first = self.start.in_words(short=True).rsplit(" ", 1)[0]
            return f"{first} – {self.end.in_words(short=True)}"
        return f"{self.start.in_words(short=True)} – {self.end.in_words(short=True)}"


def span_of(start: str, end: str | None = None, ongoing: bool = False) -> Span:
    """Build a span from stored text, refusing an end before the start or an ongoing end."""
    first = PartialDate.parse(start)
    last = PartialDate.parse(end) if end is not None else None
    if last is not None and ongoing:
        raise DateError("an ongoing event has no end date")
    if last is not None and last.latest < first.earliest:
        raise DateError(f"the end {last} is before the start {first}")
    return Span(first, last, ongoing)


def window(first: str | None, last: str | None) -> tuple[dt.date, dt.date]:
    """The inclusive day range asked for by 'from' and 'to', each a partial date or None."""
    lower = PartialDate.parse(first).earliest if first else dt.date.min
    upper = PartialDate.parse(last).latest if last else dt.date.max
    if upper < lower:
        raise DateError(f"'to' ({last}) is before 'from' ({first})")
    return lower, upper


def clamped_before(day: dt.date, by: dt.timedelta) -> dt.date:
    """`by` before `day`, held at the calendar's first day instead of overflowing."""
    return max(day, dt.date.min + by) - by


def clamped_after(day: dt.date, by: dt.timedelta) -> dt.date:
    """`by` after `day`, held at the calendar's last day instead of overflowing."""
    return min(day, dt.date.max - by) + by
