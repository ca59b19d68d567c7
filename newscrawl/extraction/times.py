"""Every time field of an Article in the page's own offset, whichever source gave it. Pure.

Dawn shows Pakistan time (PKT, +05:00): the story's `timestamp--time[title]` says `+05:00`, its clock reads
"04:30pm". Other sources of the same instants write them otherwise: JSON-LD `datePublished` in UTC with a `Z`,
`article:published_time` as `+00:00`, a `<time datetime>` in UTC. docs/OUTPUT.md promises the page's offset, so
every value is turned into the one offset of the page (the same instant): Pakistan time when the page shows it (a
source in +05:00, or a shown clock that reads the instant in Pakistan time), else the offset of the most trusted
source.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo

from newscrawl.extraction.html import text_of
from newscrawl.extraction.text import PAKISTAN_OFFSET, clean, parse_datetime
from newscrawl.extraction.vocabulary import is_time, own_elements

PAKISTAN = timezone(PAKISTAN_OFFSET)
# a shown clock: "04:30pm", "4:30 PM", "16:30"
_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\s*(?:([ap])\.?\s*m\b)?", re.IGNORECASE)


def shown_clocks(story, owned_by) -> set[tuple[int, int]]:
    """(hour, minute) of each clock the story's own time elements show, on a 24-hour clock (an am/pm one both
    ways when it says neither)."""
    clocks = set()
    for element in own_elements(story, owned_by, is_time) if story is not None else ():
        for hour, minute, half in _CLOCK.findall(text_of(element)):
            hour, minute = int(hour) % (12 if half else 24), int(minute)
            clocks.add((hour + (12 if half.lower() == "p" else 0), minute))
    return clocks


def page_offset(values: list[str | None], clocks: set[tuple[int, int]]) -> tzinfo | None:
    """The page's offset, from its time values (most trusted first) and the clocks its story shows: Pakistan time
    when a value is in it or a shown clock reads one in it (a time without offset read as it is), else the offset
    of the first value that has one; None without any."""
    found = instants(values)
    if any(i.utcoffset() == PAKISTAN.utcoffset(None) for i in found):
        return PAKISTAN
    local = [i.astimezone(PAKISTAN) for i in found] + naive_times(values)
    if any((moment.hour, moment.minute) in clocks for moment in local):
        return PAKISTAN
    return found[0].tzinfo if found else None


def in_offset(value: str | None, offset: tzinfo | None) -> str | None:
    """A timestamp as the same instant in `offset` (its own when None); a time without an offset is read in
    `offset` when there is one (the page's local time); None when it is no timestamp."""
    parsed = parse_datetime(value)
    if parsed is None:
        naive = naive_times([value])
        return naive[0].replace(tzinfo=offset).isoformat() if naive and offset is not None else None
    return (parsed.astimezone(offset) if offset is not None else parsed).isoformat()


def instants(values) -> list[datetime]:
    """The values that are timestamps with an offset, parsed, in the order given."""
    return [parsed for value in values if (parsed := parse_datetime(value)) is not None]


def naive_times(values) -> list[datetime]:
    """The values that are ISO 8601 times without an offset ("2025-06-19T11:20:05"), parsed."""
    found = []
    for value in values:
        try:
            parsed = datetime.fromisoformat(clean(value)) if value and "T" in value else None
        except ValueError:
            continue
        if parsed is not None and parsed.tzinfo is None:
            found.append(parsed)
    return found
