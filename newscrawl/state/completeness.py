"""Completeness per publication day, from the ledger (docs/STATE.md "The ledger", docs/REPORT.md): read by the
summary of a dated crawl (newscrawl/monitoring/summary.py) and by `newscrawl-report`.

A day's figures: ids known (their page's own day, else the day a source claimed), written, moved to another
host (another Dawn property: not missing), missing by reason (`not_found`, `failed/<last error>`,
`dropped/<reason>`, `filtered`, `not_tried`). A day is complete when nothing a crawl could still fetch is missing:
every date archive page of the day (NEWSCRAWL_ARCHIVES) was crawled, and no id of it failed, was left untried or
was filtered out by a date range; otherwise `incomplete_because` says why, one sentence per cause. A story gone
(404/410) or dropped (unusable page) is missing but does not make the day incomplete.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from newscrawl.state.records import (CRAWLED, DROPPED, FAILED, FILTERED, MOVED, NOT_TRIED, WRITTEN, ArchivePage,
                                     LedgerEntry)
from newscrawl.urls import SITE_ROOT

# the missing outcomes that make a day incomplete, and how incomplete_because says them
RETRYABLE = {FAILED: "{n} article(s) failed (retries exhausted)", NOT_TRIED: "{n} article(s) not yet tried",
             FILTERED: "{n} article(s) filtered out by a date range"}


def missing_reason(entry: LedgerEntry) -> str | None:
    """The key an id is missing under, or None when it is written or moved (another property)."""
    if entry.outcome in (WRITTEN, MOVED):
        return None
    if entry.outcome in (FAILED, DROPPED):
        return f"{entry.outcome}/{entry.reason or 'unknown'}"
    return entry.outcome


def days_between(since: date, until: date) -> list[str]:
    return [(since + timedelta(days=n)).isoformat() for n in range((until - since).days + 1)]


def archive_problems(day: str, pages: dict[str, ArchivePage], archive_paths: list[str]) -> list[str]:
    """Why the day's date archives do not vouch for it: not crawled, or failed (with the reason)."""
    urls = [f"{SITE_ROOT}/{path.strip('/')}/{day}" for path in archive_paths]
    if urls and not any(url in pages for url in urls):
        return [f"date archive not crawled ({len(urls)} archive page(s) of the day never asked)"]
    problems = [f"date archive not crawled: {url}" for url in urls if url not in pages]
    problems += [f"archive page failed: {url} ({pages[url].reason or pages[url].outcome})"
                 for url in urls if url in pages and pages[url].outcome != CRAWLED]
    return problems


def day_figures(day: str, entries: list[LedgerEntry], pages: dict[str, ArchivePage], archive_paths: list[str],
                asked: int = 0) -> dict:
    """One day's figures; `asked`: how many of its archive pages were asked (any outcome)."""
    outcomes = Counter(entry.outcome for entry in entries)
    missing = Counter(reason for entry in entries if (reason := missing_reason(entry)) is not None)
    because = archive_problems(day, pages, archive_paths)
    because += [text.format(n=outcomes[outcome]) for outcome, text in RETRYABLE.items() if outcomes[outcome]]
    return {"day": day, "known": len(entries), "written": outcomes[WRITTEN], "moved": outcomes[MOVED],
            "missing": dict(sorted(missing.items())), "complete": not because, "incomplete_because": because,
            "archive_pages_asked": asked}


def completeness(entries: list[LedgerEntry], archive_pages: list[ArchivePage], archive_paths: list[str],
                 since: date | None = None, until: date | None = None) -> dict:
    """{"days": [day figures, every day of since..until], "articles": totals}. Without since or until, the range
    is that of the days the ledger knows (ids and archive pages) and the totals are of the whole ledger; with
    either, the totals are of the ids of the days shown."""
    by_day: dict[str, list[LedgerEntry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    pages = {page.url: page for page in archive_pages}
    known_days = sorted({d for d in by_day if d} | {page.day for page in archive_pages})
    first = since or (date.fromisoformat(known_days[0]) if known_days else None)
    last = until or (date.fromisoformat(known_days[-1]) if known_days else None)
    days = days_between(first, last) if first and last and first <= last else []
    asked = Counter(page.day for page in archive_pages)
    figures = [day_figures(day, by_day.get(day, []), pages, archive_paths, asked[day]) for day in days]
    if since or until:  # the totals too are of the range (an undated id is in no range)
        entries = [entry for entry in entries if entry.day and days and days[0] <= entry.day <= days[-1]]
    outcomes = Counter(entry.outcome for entry in entries)
    missing = Counter(reason for entry in entries if (reason := missing_reason(entry)) is not None)
    articles = {"known": len(entries), "written": outcomes[WRITTEN], "moved": outcomes[MOVED],
                "missing": dict(sorted(missing.items())), "by_outcome": dict(sorted(outcomes.items())),
                "undated": sum(entry.day is None for entry in entries),
                "days": len(figures), "days_complete": sum(f["complete"] for f in figures)}
    return {"days": figures, "articles": articles}
