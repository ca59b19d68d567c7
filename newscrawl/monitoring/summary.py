"""At the end of a crawl: print a short summary and save the stats as `<NEWSCRAWL_OUTPUT_DIR>/last_crawl.json`.

`scrapy crawl` exits 0 even when a crawl failed, so whoever needs a verdict (tests, cron) reads this file.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import datetime
from pathlib import Path

from scrapy import signals

from newscrawl.distributed.mode import worker_file
from newscrawl.monitoring.drift import parsed_articles, story_not_found_share
from newscrawl.state.completeness import completeness
from newscrawl.state.sqlite import state_for
from newscrawl.stats_keys import (
    CRAWL_GIVEN_UP,
    COMPLETENESS,
    LEDGER_OUTCOMES,
    DROPPED,
    ERRORS_LOGGED,
    FEED_AGREEMENT,
    FINISH_REASON,
    RENDER,
    REPLAY_UNREADABLE,
    RESPONSES,
    SEEDING_COMPLETE,
    SKIPPED,
    SKIPPED_ENTRIES,
    STORY_NOT_FOUND,
    STORY_NOT_FOUND_SHARE,
    UNHEALTHY,
    WALL_SECONDS,
    WRITTEN,
    under,
)

logger = logging.getLogger(__name__)


def summarise(stats: dict) -> dict:
    """The figures a person wants from a stats dict."""
    return {
        "finish_reason": stats.get(FINISH_REASON),
        "pages_fetched": stats.get(RESPONSES, 0),
        "pages_rendered": stats.get(f"{RENDER}/pages", 0),
        "items_written": under(stats, WRITTEN),
        "article_outcomes": under(stats, LEDGER_OUTCOMES),
        "items_dropped": under(stats, DROPPED),
        "pages_skipped": under(stats, SKIPPED),
        "entries_skipped": under(stats, SKIPPED_ENTRIES),
        "errors_logged": stats.get(ERRORS_LOGGED, 0),
        "article_pages": parsed_articles(stats),
        "story_not_found": stats.get(STORY_NOT_FOUND, 0),
        "story_not_found_share": stats.get(STORY_NOT_FOUND_SHARE),  # set once, by spider_closed
        "feed_agreement": under(stats, FEED_AGREEMENT),
        "archive_unreadable_regions": under(stats, REPLAY_UNREADABLE),
        # distributed mode only (None otherwise): what the whole crawl lost (newscrawl/distributed/frontier.py)
        "requests_given_up": stats.get(CRAWL_GIVEN_UP),
        "seeding_complete": stats.get(SEEDING_COMPLETE),
    }


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime) else value


class CrawlSummary:
    def __init__(self, crawler):
        self.crawler = crawler
        self.output_dir = Path(crawler.settings.get("NEWSCRAWL_OUTPUT_DIR"))
        self.stats_name = worker_file(crawler.settings, "last_crawl.json")  # one per worker in distributed mode
        self.print_summary = crawler.settings.getbool("NEWSCRAWL_SUMMARY")
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        # a bound method, kept alive by the extension object Scrapy holds (receivers are weak references)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def days_completeness(self, spider) -> list[dict] | None:
        """A dated crawl's days, each complete or not and why, from the ledger (newscrawl/state/completeness.py)."""
        arguments, state = getattr(spider, "arguments", None), state_for(self.crawler)
        if arguments is None or not arguments.dated or state is None:
            return None
        archive_paths = self.crawler.settings.getlist("NEWSCRAWL_ARCHIVES")
        try:
            entries, pages = state.ledger_entries(), state.archive_pages()
        except Exception as exc:  # noqa: BLE001 - a store gone at the end (Redis down) must not cost last_crawl.json
            logger.error("Completeness per day not computed: the ledger could not be read (%s)", exc)
            return None
        return completeness(entries, pages, archive_paths, arguments.since, arguments.until)["days"]

    def spider_closed(self, spider, reason):
        stats = {k: _jsonable(v) for k, v in self.crawler.stats.get_stats().items()}
        stats.setdefault(FINISH_REASON, reason)
        stats[WALL_SECONDS] = round(time.monotonic() - self.started, 3)
        if (days := self.days_completeness(spider)) is not None:
            stats[COMPLETENESS] = days
        if (share := story_not_found_share(stats)) is not None:  # the layout alarm's figures, 0 included
            stats.setdefault(STORY_NOT_FOUND, 0)
            stats[STORY_NOT_FOUND_SHARE] = share
        self.output_dir.mkdir(parents=True, exist_ok=True)
        stats_path = self.output_dir / self.stats_name
        stats_path.write_text(json.dumps(stats, indent=1, sort_keys=True), encoding="utf-8")
        if self.print_summary:
            summary = summarise(stats)
            lines = [f"newscrawl: crawl finished ({summary['finish_reason']}) in {stats[WALL_SECONDS]} s",
                     f"  pages fetched: {summary['pages_fetched']} ({summary['pages_rendered']} rendered in Chromium)"]
            for title, key in (("items written", "items_written"), ("articles not written", "article_outcomes"),
                               ("items dropped", "items_dropped"),
                               ("pages skipped", "pages_skipped"), ("entries skipped", "entries_skipped")):
                figures = ", ".join(f"{k} {v}" for k, v in summary[key].items()) or "none"
                lines.append(f"  {title}: {figures}")
            if summary["article_pages"]:
                lines.append(f"  story box not found: on {summary['story_not_found']} of {summary['article_pages']} "
                             f"article pages ({summary['story_not_found_share']:.1%})")
            agreement = summary["feed_agreement"]
            if agreement.get("compared"):
                lines.append(f"  feed/page body agreement (F1): {agreement['compared']} compared, min {agreement['min']}, "
                             f"median {agreement['median']}, {agreement['below']} below "
                             f"{self.crawler.settings.getfloat('NEWSCRAWL_FEED_AGREEMENT_MIN_F1')}")
            if damaged := summary["archive_unreadable_regions"]:
                lines.append("  DAMAGED ARCHIVES: unreadable regions skipped (records in them lost): "
                             + ", ".join(f"{name} {regions}" for name, regions in damaged.items()))
            if summary["requests_given_up"] is not None:
                lost = summary["requests_given_up"]
                lines.append(f"  distributed crawl: {lost} requests given up{' (LOST)' if lost else ''}, start entries "
                             f"{'all queued' if summary['seeding_complete'] else 'NOT all queued (LOST)'}")
            lines += completeness_lines(stats.get(COMPLETENESS))
            if stats.get(UNHEALTHY):
                lines.append("  UNHEALTHY: extraction drift alarms fired (see the ERROR lines above)")
            lines.append(f"  output: {self.output_dir.resolve()}/ (articles.jsonl, editorial_teasers.jsonl)")
            lines.append(f"  stats:  {stats_path.resolve()}")
            print("\n".join(lines), file=sys.stderr, flush=True)


SHOWN_INCOMPLETE_DAYS = 10  # the summary names at most this many incomplete days (last_crawl.json has them all)


def completeness_lines(days: list[dict] | None) -> list[str]:
    if not days:
        return []
    incomplete = [day for day in days if not day["complete"]]
    lines = [f"  completeness: {len(days) - len(incomplete)} of {len(days)} days complete"]
    for day in incomplete[:SHOWN_INCOMPLETE_DAYS]:
        missing = ", ".join(f"{k} {v}" for k, v in day["missing"].items()) or "none"
        lines.append(f"    {day['day']} INCOMPLETE: {day['known']} known, {day['written']} written, missing: {missing};"
                     f" {'; '.join(day['incomplete_because'])}")
    if len(incomplete) > SHOWN_INCOMPLETE_DAYS:
        lines.append(f"    ... and {len(incomplete) - SHOWN_INCOMPLETE_DAYS} more incomplete days (last_crawl.json)")
    return lines
