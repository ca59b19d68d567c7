"""Which record to fetch per article: a deterministic iterator of backfill entries, newest article id first.

Per article id, of the captures the chosen crawls list (newscrawl/commoncrawl/cdx.py):
- only status 200 captures are candidates; redirects, 404s and other answers are counted by status, not fetched;
- candidates captured inside since..until come first, newest first, then the later ones, newest first (a story is
  captured for years: the capture nearest its range is the page as it was then, updates included);
- the first candidate is fetched; the next ones are its fallbacks when it is truncated or does not check out
  (newscrawl/commoncrawl/records.py), so one article costs one record unless its best capture is damaged;
- an article the state store holds as emitted is not fetched again, unless -a refresh=1 or the capture's payload
  digest differs from the one of the record it was read from (Common Crawl saw it change).

The entries come in the same order every time from the same progress file: a seeding that starts again (a killed
worker, distributed mode) yields the same list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

from newscrawl.commoncrawl.progress import Progress

MAX_CANDIDATES = 3  # a fallback or two for a damaged capture; more would say the article is not in the crawls
CC_META = "newscrawl_commoncrawl"  # request meta: {"article_id", "candidates": [capture, ...]}


def stamp(day: date) -> str:
    return day.strftime("%Y%m%d")


def candidates(captures: list[dict], since: date, until: date) -> list[dict]:
    """The status 200 captures of one article, in the order they are to be tried."""
    start, end = stamp(since), stamp(until + timedelta(days=1))
    ok = [c for c in captures if c["status"] == "200"]
    inside = sorted((c for c in ok if start <= c["timestamp"] < end), key=lambda c: c["timestamp"], reverse=True)
    later = sorted((c for c in ok if c["timestamp"] >= end), key=lambda c: c["timestamp"], reverse=True)
    return inside + later


def backfill_entries(progress: Progress, crawls: list[str], since: date, until: date, counts: Counter,
                     already_held=lambda article_id, chosen: False) -> Iterator[dict]:
    """One entry per article id to fetch: {"article_id", "url", "candidates"}. `already_held(id, candidates)`: the
    state store holds the article unchanged (it is then counted, not yielded)."""
    by_id: dict[int, list[dict]] = {}
    for capture in progress.captures(crawls):
        by_id.setdefault(capture["article_id"], []).append(capture)
    for article_id in sorted(by_id, reverse=True):
        captures = by_id[article_id]
        for capture in captures:
            if capture["status"] != "200":
                counts[f"captures_{_status_reason(capture['status'])}"] += 1
        chosen = candidates(captures, since, until)
        if not chosen:
            counts["articles_without_200_capture"] += 1
            continue
        counts["captures_not_needed"] += len(chosen) - 1
        if already_held(article_id, chosen):
            counts["articles_held_unchanged"] += 1
            continue
        counts["articles_planned"] += 1
        yield {"article_id": article_id, "url": _https(chosen[0]["url"]), "candidates": chosen[:MAX_CANDIDATES]}


def _status_reason(status: str) -> str:
    return f"redirect_{status}" if status.startswith("3") else f"http_{status or 'unknown'}"


def _https(url: str) -> str:
    # what the spider requests: the article's URL on today's site (captures of the http:// years name the same one)
    return "https://" + url.split("://", 1)[1] if url.startswith("http://") else url
