"""Partial dates and spans: parsing, the days each may stand for, and window overlap."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.dates import DateError, PartialDate, Precision, Span, span_of, window


@st.composite
def partial_dates(draw) -> PartialDate:
    day = draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
    precision = draw(st.sampled_from(list(Precision)))
    if precision is Precision.YEAR:
        return PartialDate(day.year)
    if precision is Precision.MONTH:
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


@st.composite
def spans(draw) -> Span:
    start = draw(partial_dates())
    kind = draw(st.sampled_from(["point", "range", "ongoing"]))
    if kind == "ongoing":
        return Span(start, None, True)
    if kind == "point":
        return Span(start, None)
    offset = draw(st.integers(0, 3000))
    last = start.earliest + dt.timedelta(days=offset)
    end = PartialDate.parse(last.isoformat()[: len(str(start))])
    return span_of(str(start), str(end))


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2024", "year", "2024-01-01", "2024-12-31"),
        ("2024-02", "month", "2024-02-01", "2024-02-29"),
        ("2023-02", "month", "2023-02-01", "2023-02-28"),
        ("2024-03-25", "day", "2024-03-25", "2024-03-25"),
    ],
)
def test_a_partial_date_stands_for_every_day_it_may_be(text, precision, earliest, latest):
    date = PartialDate.parse(text)
    assert date.precision == precision
    assert date.earliest.isoformat() == earliest
    assert date.latest.isoformat() == latest


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-13", "month 13 does not exist"),
        ("2023-02-29", "February 2023 has no day 29"),
        ("2024-04-31", "April 2024 has no day 31"),
        ("0000", "year 0000 does not exist"),
        ("24-03", "not a date"),
        ("2024/03/01", "not a date"),
        ("March 2024", "not a date"),
        ("", "not a date"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(text, message):
    with pytest.raises(DateError, match=message):
        PartialDate.parse(text)


@given(partial_dates())
def test_text_form_round_trips_and_keeps_precision(date):
    again = PartialDate.parse(str(date))
    assert again == date
    assert again.precision == date.precision
    assert date.earliest <= date.latest


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_a_day_lies_inside_its_month_and_its_year(day):
    month = PartialDate(day.year, day.month)
    year = PartialDate(day.year)
    assert month.earliest <= day <= month.latest
    assert year.earliest <= day <= year.latest


@given(spans(), partial_dates(), partial_dates())
def test_overlap_means_a_shared_day(span, a, b):
    first, last = sorted([a.earliest, b.latest])
    shared = max(span.earliest, first) <= min(span.latest, last)
    assert span.overlaps(first, last) == shared


def test_the_issue_examples_overlap():
    june = Span(PartialDate.parse("2024-06"))
    assert june.overlaps(*window("2024-06-15", "2024-06-20"))
    strike = span_of("2024-07-26", "2025-06-11")
    assert strike.overlaps(*window("2025-02", "2025-03"))
    wga = span_of("2023-05-02", "2023-09-27")
    assert wga.overlaps(*window("2023-09-27", None))
    assert not wga.overlaps(*window("2023-09-28", None))


def test_ongoing_spans_stay_open():
    span = span_of("2024-07", ongoing=True)
    assert span.latest == dt.date.max
    assert span.overlaps(*window("2090", "2091"))
    assert span.in_words() == "From July 2024 (ongoing)"


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2023-05-02", "2023-09-27", "2 May – 27 Sep 2023"),
        ("2024-02", "2024-03", "Feb – Mar 2024"),
        ("2024-07-26", "2025-06-11", "26 Jul 2024 – 11 Jun 2025"),
        ("2024-03", None, "March 2024"),
        ("2024", None, "2024"),
        ("2024-03-10", None, "10 March 2024"),
    ],
)
def test_spans_read_as_words(start, end, words):
    assert span_of(start, end).in_words() == words


def test_an_end_before_the_start_is_refused():
    with pytest.raises(DateError, match="before the start"):
        span_of("2024-03", "2024-02")
    with pytest.raises(DateError, match="ongoing event has no end"):
        span_of("2024-03", "2024-04", ongoing=True)


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(DateError, match="before 'from'"):
        window("2025", "2024-12")
