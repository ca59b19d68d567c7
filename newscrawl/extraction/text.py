"""Small pure helpers for text found in Dawn pages: whitespace, datelines, print lines, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

_WHITESPACE = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space and strip."""
    if not text:
        return ""
    return _WHITESPACE.sub(" ", text.replace("\xa0", " ")).strip()


def clean_or_none(text: str | None) -> str | None:
    return clean(text) or None


# An upper-case place name (several words, dots, slashes, hyphens and apostrophes allowed) and a colon,
# opening the first paragraph: "NUR SULTAN:", "D.I. KHAN:", "KARACHI / LAHORE:".
_DATELINE = re.compile(r"^([A-Z][A-Z .'’/&-]{1,40}[A-Z.]):\s")


def dateline_of(first_paragraph: str) -> str | None:
    match = _DATELINE.match(first_paragraph)
    return match.group(1).strip() if match else None


# "Published in Dawn, February 3rd, 2020", "Published in Dawn, The Business and Finance Weekly,
# September 20th, 2021", "Published in Dawn, November 18th , 2014".
_PRINT_LINE = re.compile(
    r"^Published in (?P<publication>Dawn(?:,[^,]+?)?)\s*,\s*"
    r"(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*,\s*(?P<year>\d{4})\.?$"
)


def parse_print_line(text: str) -> dict | None:
    """`{"publication": ..., "date": "YYYY-MM-DD"}` for a print-edition line, else None."""
    if not text or not text.lstrip().startswith("Published"):  # every paragraph is asked: most say no at once
        return None
    match = _PRINT_LINE.match(clean(text))
    if not match:
        return None
    try:
        day = datetime.strptime(f"{match['month']} {match['day']} {match['year']}", "%B %d %Y").date()
    except ValueError:
        return None
    return {"publication": clean(match["publication"]), "date": day.isoformat()}


def parse_datetime(value: str | None, naive_as_utc: bool = False) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime, or None. A time without an offset is None (ambiguous on a
    page: Dawn always gives +05:00), or UTC when `naive_as_utc` (our own records)."""
    value = clean(value)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:  # RFC 822, as feeds write it: "Thu, 19 Jun 2025 16:30:21 +0500"
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC) if naive_as_utc else None
    return parsed


def iso_datetime(value: str | None) -> str | None:
    """A timestamp normalised to ISO 8601 with its offset, or None when it is not one."""
    parsed = parse_datetime(value)
    return parsed.isoformat() if parsed else None


PAKISTAN_OFFSET = timedelta(hours=5)
_CALENDAR_FORMATS = ("%d %b, %Y", "%d %B, %Y", "%B %d, %Y", "%b %d, %Y")


def date_of(iso: str | None, calendar_text: str | None = None) -> str | None:
    """The ISO date of a timestamp in Pakistan time (+05:00, what Dawn shows), else the shown date ("26 Dec, 2024"),
    else the timestamp's date in its own offset: a stamp given in UTC late in the evening is the next day's shown
    date, and the shown date is the page's."""
    parsed = parse_datetime(iso) if iso else None
    if parsed is not None and parsed.utcoffset() == PAKISTAN_OFFSET:
        return parsed.date().isoformat()
    text = clean(calendar_text)
    for fmt in _CALENDAR_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return parsed.date().isoformat() if parsed is not None else None
