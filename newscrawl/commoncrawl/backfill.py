"""A backfill's setup from settings and arguments: the two polite clients, the progress file, and the reading of
the index into backfill entries (newscrawl/commoncrawl/plan.py), one per crawler."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from scrapy import signals

from newscrawl.commoncrawl.cdx import CdxAnswerError, read_crawl
from newscrawl.commoncrawl.client import CommonCrawlRefused, PoliteClient
from newscrawl.commoncrawl.collinfo import UnknownCrawl, crawl_list, pick_crawls
from newscrawl.commoncrawl.plan import backfill_entries
from newscrawl.commoncrawl.progress import Progress
from newscrawl.state.sqlite import state_for
from newscrawl.stats_keys import COMMONCRAWL

logger = logging.getLogger(__name__)
# what ends a backfill before its first record: refusals, an index answer no CDX server gives, an unknown crawl
BACKFILL_FAILURES = (CommonCrawlRefused, CdxAnswerError, UnknownCrawl, ValueError)
COLLINFO_MAX_AGE = 24 * 3600  # Common Crawl publishes a crawl a month or so: a day-old list is current enough


class Backfill:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.index_base = settings.get("NEWSCRAWL_CC_INDEX")
        self.data_base = settings.get("NEWSCRAWL_CC_DATA")
        self.directory = Path(settings.get("NEWSCRAWL_CC_DIR"))
        limits = {"max_backoff": settings.getfloat("NEWSCRAWL_CC_MAX_BACKOFF"),
                  "max_attempts": settings.getint("NEWSCRAWL_CC_MAX_ATTEMPTS")}
        self.index = PoliteClient("index", settings.getfloat("NEWSCRAWL_CC_INDEX_DELAY"), **limits)
        self.data = PoliteClient("data", settings.getfloat("NEWSCRAWL_CC_DATA_DELAY"), **limits)
        self.progress = Progress(self.directory / "progress.sqlite")
        self.counts: Counter = Counter()  # the index's reading and the records' fetching
        self.plan_counts: Counter = Counter()  # the last pass over the entries (newscrawl/commoncrawl/plan.py)

    @classmethod
    def of(cls, crawler) -> Backfill:
        """The crawler's one backfill (its clients keep the gaps for the whole crawl), closed with the spider."""
        if not hasattr(crawler, "newscrawl_backfill"):
            crawler.newscrawl_backfill = cls(crawler)
            crawler.signals.connect(crawler.newscrawl_backfill.close, signal=signals.spider_closed)
        return crawler.newscrawl_backfill

    def read_index(self, arguments) -> list[str]:
        """Read what the chosen crawls' indexes hold for the range into the progress file; the crawl ids. Blocking
        (a second or more per page): the spider runs it in a thread."""
        crawls = pick_crawls(crawl_list(self.index, self.index_base, self.directory, COLLINFO_MAX_AGE),
                             arguments.since, arguments.crawls)
        logger.info("Common Crawl backfill %s..%s: %d crawls (%s)", arguments.since, arguments.until, len(crawls),
                    ", ".join(crawl.id for crawl in crawls[:6]) + (" ..." if len(crawls) > 6 else ""))
        for crawl in crawls:
            read_crawl(self.index, self.progress, crawl, arguments.since, self.counts)
        return [crawl.id for crawl in crawls]

    def entries(self, arguments, crawl_ids: list[str], stable: bool = False):
        """The backfill entries (newscrawl/commoncrawl/plan.py), minus the articles the state store holds unchanged.
        In the reactor's thread: the state store is used there. `stable` (distributed mode): the same list on every
        worker whenever it is read (the seeding's digest and cursor, newscrawl/distributed/seeding.py), so the state
        store is not asked; a record already stored is read back from the archive, an unchanged Article not
        emitted again (versioning). Each pass counts afresh: the seeding may read the list more than once."""
        state = None if stable else state_for(self.crawler)
        refresh = arguments.refresh
        self.plan_counts = Counter()  # afresh each pass

        def already_held(article_id: int, chosen: list[dict]) -> bool:
            record = state.article(article_id) if state is not None and not refresh else None
            if record is None or record.status != "emitted":
                return False
            fetched = self.progress.fetched_digest(article_id)
            # the capture that would be read now: the first not rejected before (a truncated one is passed over)
            usable = [c for c in chosen if (self.progress.record(c["filename"], c["offset"]) or ("",))[0]
                      in ("", "stored", "read")]
            return fetched is None or not usable or fetched == usable[0]["digest"]  # from Dawn, or this capture

        yield from backfill_entries(self.progress, crawl_ids, arguments.since, arguments.until, self.plan_counts,
                                    already_held)
        self.flush_stats()

    def flush_stats(self) -> None:
        stats = self.crawler.stats
        for name, count in (self.counts + self.plan_counts).items():
            stats.set_value(f"{COMMONCRAWL}/{name}", count)
        for client in (self.index, self.data):
            stats.set_value(f"{COMMONCRAWL}/{client.name}_requests", client.requests)
            stats.set_value(f"{COMMONCRAWL}/{client.name}_waited_seconds", round(client.waited, 3))
            for reason, count in client.refusals.items():
                stats.set_value(f"{COMMONCRAWL}/{client.name}_refused/{reason}", count)

    def fail(self, reason: str) -> None:
        self.flush_stats()
        self.crawler.stats.set_value(f"{COMMONCRAWL}/refused", reason)

    def close(self) -> None:
        self.flush_stats()
        self.progress.close()
