"""Every time field in the page's own offset (issue #21), whichever source gave it: a case per source and format
(the story's stamp, article:*_time, JSON-LD, `<time datetime>`, RFC 822; Z, +00:00, +0000, milliseconds), and a
teaser's date as the page's day. The fixture pages of the class: fixtures/variants/times-*.html."""

import json

import pytest

from newscrawl.extraction.text import date_of
from tests.test_pagekinds import BODY, parsed

# ---- 3. every time in the page's offset ------------------------------------------------------------------------
def ld(**node) -> str:
    return f"<script type='application/ld+json'>{json.dumps({'@type': 'NewsArticle', **node})}</script>"


def meta(prop: str, content: str) -> str:
    return f"<meta property='{prop}' content='{content}'>"


def shown(label: str, clock: str, iso: str | None = None) -> str:
    stamp = f" title='{iso}'" if iso else ""
    return (f"<span class='story__time'><span class='timestamp--label'>{label}</span> <span class='timestamp--time'"
            f"{stamp}><span class='timestamp__calendar'>19 Jun, 2025</span> <span class='timestamp__time'>{clock}"
            f"</span></span></span>")


# (head, story header, expected published_at, expected updated_at): the same instants whatever the source's format
TIME_CASES = {
    "meta published Z, story shows Updated in +05:00": (
        meta("article:published_time", "2025-06-19T04:05:00Z"), shown("Updated", "03:35pm", "2025-06-19T15:35:10+05:00"),
        "2025-06-19T09:05:00+05:00", "2025-06-19T15:35:10+05:00"),
    "meta published +00:00, shown clock": (
        meta("article:published_time", "2025-06-19T06:20:05+00:00"), shown("Published", "11:20am"),
        "2025-06-19T11:20:05+05:00", None),
    "meta +0000 without colon, shown clock": (
        meta("article:published_time", "2025-06-19T06:20:05+0000"), shown("Published", "11:20am"),
        "2025-06-19T11:20:05+05:00", None),
    "JSON-LD Z with milliseconds, meta in +05:00": (
        meta("article:published_time", "2025-06-19T11:20:05+05:00") + ld(dateModified="2025-06-19T09:45:00.000Z"),
        "", "2025-06-19T11:20:05+05:00", "2025-06-19T14:45:00+05:00"),
    "JSON-LD Z only, shown clock": (
        ld(datePublished="2025-06-19T06:20:05Z"), shown("Published", "11:20 AM"), "2025-06-19T11:20:05+05:00", None),
    "JSON-LD RFC 822 in UTC, meta modified in +05:00": (
        ld(datePublished="Thu, 19 Jun 2025 06:20:05 +0000") + meta("article:modified_time", "2025-06-19T14:45:00+05:00"),
        "", "2025-06-19T11:20:05+05:00", "2025-06-19T14:45:00+05:00"),
    "time datetime Z, its clock in Pakistan time": (
        "", "<time datetime='2025-06-19T06:20:05Z'>19 Jun, 2025 11:20am</time>", "2025-06-19T11:20:05+05:00", None),
    "time datetime Z Updated, published meta +05:00": (
        meta("article:published_time", "2025-06-19T09:00:00+05:00"),
        "<span>Updated <time datetime='2025-06-19T12:00:00Z'>19 Jun</time></span>",
        "2025-06-19T09:00:00+05:00", "2025-06-19T17:00:00+05:00"),
    "story stamp Z, shown clock": (
        "", shown("Published", "11:20am", "2025-06-19T06:20:05Z"), "2025-06-19T11:20:05+05:00", None),
    "JSON-LD without offset, meta in +05:00: the page's local time": (
        meta("article:published_time", "2025-06-19T11:20:05+05:00") + ld(dateModified="2025-06-19T14:45:00"),
        "", "2025-06-19T11:20:05+05:00", "2025-06-19T14:45:00+05:00"),
    "meta without offset, its clock shown": (
        meta("article:published_time", "2025-06-19T11:20:05"), shown("Published", "11:20am"),
        "2025-06-19T11:20:05+05:00", None),
    "a time without offset and nothing to read it in: none": (
        ld(datePublished="2025-06-19T11:20:05"), "", None, None),
    "no sign of Pakistan time: the most trusted source's offset": (
        meta("article:published_time", "2025-06-19T06:20:05Z") + ld(dateModified="2025-06-19T08:00:00+00:00"),
        "", "2025-06-19T06:20:05+00:00", "2025-06-19T08:00:00+00:00"),
}


@pytest.mark.parametrize("case", TIME_CASES, ids=list(TIME_CASES))
def test_every_time_is_in_the_pages_offset(case):
    head, header, published, updated = TIME_CASES[case]
    article = parsed(BODY, head, header)
    assert (article["published_at"], article["updated_at"]) == (published, updated)


@pytest.mark.parametrize("stamp, shown, day", [
    ("2025-06-18T21:00:00Z", "19 Jun, 2025", "2025-06-19"),  # a UTC stamp late in the evening: the page's day
    ("2025-06-18T21:00:00Z", None, "2025-06-18"),  # nothing shown: the stamp's own day
    ("2025-06-19T02:00:00+05:00", "18 Jun, 2025", "2025-06-19"),  # a stamp in Pakistan time is the page's day
])
def test_a_teasers_date_is_the_pages_day(stamp, shown, day):
    assert date_of(stamp, shown) == day
