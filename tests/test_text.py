"""Text helpers: print-edition lines, datelines, timestamps."""

import pytest

from newscrawl.extraction.text import (
    clean,
    date_of,
    dateline_of,
    iso_datetime,
    parse_print_line,
)


@pytest.mark.parametrize("line, expected", [
    ("Published in Dawn, February 3rd, 2020", {"publication": "Dawn", "date": "2020-02-03"}),
    ("Published in Dawn, The Business and Finance Weekly, September 20th, 2021",
     {"publication": "Dawn, The Business and Finance Weekly", "date": "2021-09-20"}),
    ("Published in Dawn, November 18th , 2014", {"publication": "Dawn", "date": "2014-11-18"}),
    ("Published in Dawn, June 1st, 2025", {"publication": "Dawn", "date": "2025-06-01"}),
    ("Published in  Dawn,\xa0June 22nd,  2025", {"publication": "Dawn", "date": "2025-06-22"}),
])
def test_print_line_variants(line, expected):
    assert parse_print_line(line) == expected


@pytest.mark.parametrize("line", [
    "The writer is a former ambassador.",
    "Published in Dawn, Februry 3rd, 2020",  # not a month
    "He said it was published in Dawn, February 3rd, 2020",  # not the line itself
    "Published February 3, 2020",
])
def test_not_print_lines(line):
    assert parse_print_line(line) is None


@pytest.mark.parametrize("paragraph, expected", [
    ("NUR SULTAN: US Secretary of State Mike Pompeo urged", "NUR SULTAN"),
    ("ISLAMABAD: The federal cabinet", "ISLAMABAD"),
    ("D.I. KHAN: Police said", "D.I. KHAN"),
    ("THE tax bureaucracy appears to have convinced", None),
    ("Islamabad: lower case is not a dateline", None),
    ("WHO: the agency said", "WHO"),  # indistinguishable by form; documented limit
])
def test_dateline(paragraph, expected):
    assert dateline_of(paragraph) == expected


def test_iso_datetime_keeps_offset_and_rejects_naive():
    assert iso_datetime("2025-06-19T16:30:21+05:00") == "2025-06-19T16:30:21+05:00"
    assert iso_datetime(" 2025-06-19T11:30:21Z ") == "2025-06-19T11:30:21+00:00"
    assert iso_datetime("2025-06-19T16:30:21") is None
    assert iso_datetime("yesterday") is None


def test_date_of_prefers_timestamp_then_calendar_text():
    assert date_of("2024-12-26T00:30:00+05:00", "25 Dec, 2024") == "2024-12-26"
    assert date_of(None, "26 Dec, 2024") == "2024-12-26"
    assert date_of(None, "December 26, 2024") == "2024-12-26"
    assert date_of(None, "soon") is None


def test_clean_collapses_all_whitespace():
    assert clean("  a\n\t b\xa0 c ") == "a b c"
