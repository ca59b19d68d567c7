"""The report's figures, from the ledger and the run records: what `newscrawl-report --json` prints and the HTML
page draws (docs/REPORT.md). Plain data in, plain data out."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import date
from pathlib import Path

from newscrawl.state.completeness import completeness, missing_reason
from newscrawl.state.records import FAILED, FILTERED, NOT_TRIED, ArchivePage, LedgerEntry
from newscrawl.urls import canonical_article_url

logger = logging.getLogger(__name__)

# the missing outcomes a crawl can still close: what --gaps-file writes by default
RETRYABLE = (FAILED, NOT_TRIED, FILTERED)
GAP_EXAMPLES = 12  # ids shown per reason in the gaps table (the gaps file has them all)


def read_runs(path: Path) -> list[dict]:
    """The run records of runs.jsonl (newscrawl-cron), oldest first; an unreadable line is skipped and logged."""
    if not path.exists():
        return []
    runs = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or "start" not in record:
                raise ValueError("not a run record")
            runs.append(record)
        except ValueError as exc:
            logger.warning("%s line %d skipped: %s", path, number, exc)
    return sorted(runs, key=lambda run: str(run.get("start")))


def discovery(entries: list[LedgerEntry]) -> list[dict]:
    """Per source: ids it listed, how many of them were written, and how many no other source listed."""
    listed, written, alone = Counter(), Counter(), Counter()
    for entry in entries:
        for source in entry.sources:
            listed[source] += 1
            written[source] += entry.outcome == "written"
        if len(entry.sources) == 1:
            alone[next(iter(entry.sources))] += 1
    return [{"source": source, "ids": listed[source], "written": written[source], "only_this_source": alone[source]}
            for source in sorted(listed, key=lambda s: (-listed[s], s))]


def gaps(entries: list[LedgerEntry]) -> list[dict]:
    """The missing ids by reason (most first): count, outcome, example ids."""
    by_reason: dict[str, list[int]] = {}
    outcome_of: dict[str, str] = {}
    for entry in entries:
        if (reason := missing_reason(entry)) is not None:
            by_reason.setdefault(reason, []).append(entry.article_id)
            outcome_of[reason] = entry.outcome
    return [{"reason": reason, "outcome": outcome_of[reason], "count": len(ids), "retryable": outcome_of[reason] in
             RETRYABLE, "examples": sorted(ids)[:GAP_EXAMPLES]}
            for reason, ids in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0]))]


def gap_urls(entries: list[LedgerEntry], outcomes: tuple[str, ...] = RETRYABLE) -> list[str]:
    """The canonical URLs of the ids missing with one of these outcomes: a url_file for `-a url_file=`."""
    return [canonical_article_url(entry.article_id) for entry in sorted(entries, key=lambda e: e.article_id)
            if entry.outcome in outcomes]


def in_days(entries: list[LedgerEntry], since: date | None, until: date | None) -> list[LedgerEntry]:
    if since is None and until is None:
        return entries
    low, high = (since or date.min).isoformat(), (until or date.max).isoformat()
    return [entry for entry in entries if entry.day and low <= entry.day <= high]


def run_figures(run: dict) -> dict:
    """One run record, as the run-history charts read it."""
    coverage = run.get("coverage") or {}
    agreement = run.get("feed_agreement") or {}
    return {"start": run.get("start"), "end": run.get("end"), "exit_code": run.get("exit_code"),
            "pages": run.get("pages") or 0, "items": sum((run.get("items_by_type") or {}).values()),
            "errors": run.get("errors") or 0,
            "coverage": {k: v for k, v in coverage.items() if isinstance(v, float | int)},
            "story_not_found_share": (run.get("story_not_found") or {}).get("share"),
            "feed_disagreement_share": agreement.get("below_share"),
            "incomplete_days": len(((run.get("completeness") or {}).get("incomplete") or {}))}


def report_figures(entries: list[LedgerEntry], archive_pages: list[ArchivePage], runs: list[dict],
                   archive_paths: list[str], since: date | None = None, until: date | None = None) -> dict:
    """Everything the report shows; "days" and "articles" are the --json interface (docs/REPORT.md)."""
    figures = completeness(entries, archive_pages, archive_paths, since, until)
    shown = in_days(entries, since, until)
    figures["discovery"] = discovery(shown)
    figures["gaps"] = gaps(shown)
    # the runs are all shown: since/until choose publication days, and a run of any time may have fetched them
    figures["runs"] = [run_figures(run) for run in runs]
    return figures
