"""Spider middleware: no request for an article the state store (newscrawl/state/sqlite.py) holds unchanged.

An article link is followed when its id is new to the store, when discovery (sitemap lastmod or publication
date, RSS pubDate, a listing's "Updated" time; carried in request meta `newscrawl_modified`) shows a change
later than any the store knows of, when `-a refresh=1` was given, or when the page was missing (404/410) or
rejected (its item dropped) more than NEWSCRAWL_RECHECK_HOURS ago.

Resuming a killed crawl (JOBDIR or not) relies on the state store, which records only what was written, and
on two Scrapy parts made forgetful:
- `InRunDupeFilter` dedupes within one crawl only. Scrapy's JOBDIR dupefilter records a request when it is
  scheduled, so a request in flight at the kill would be filtered on resume and its item lost.
- `StateResumeScheduler` keeps no request queue in JOBDIR, which a SIGKILL can leave torn (the resumed crawl
  then fails to pop requests).
A resumed crawl requests its entry points again, and this middleware lets through every article the store lacks.

Also: counts 404/410 article pages as MISSING, and an Article dropped by a pipeline as REJECTED, so that a
rerun does not fetch them again at once. It sits before HttpErrorMiddleware (50), which hides 404s.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from scrapy import Request, signals
from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter

from newscrawl.crawl.drops import NotAsked
from newscrawl.items import Article
from newscrawl.state.sqlite import MISSING, REJECTED, parse_time, state_for
from newscrawl.stats_keys import INCREMENTAL
from newscrawl.urls import article_id_from_url

STAT = INCREMENTAL
logger = logging.getLogger(__name__)


class IncrementalMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.state = state_for(crawler)
        self.recheck_after = timedelta(hours=crawler.settings.getfloat("NEWSCRAWL_RECHECK_HOURS"))
        self.requested_ids: set[int] = set()  # decided this crawl; repeats go on to the dupefilter

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        crawler.signals.connect(middleware.item_dropped, signal=signals.item_dropped)
        return middleware

    @property
    def refresh(self) -> bool:
        return bool(getattr(self.crawler.spider, "refresh", False))

    def process_spider_input(self, response):
        if response.status in (404, 410) and self.state is not None:
            if (article_id := article_id_from_url(response.url)) is not None:
                self.state.mark_unavailable(article_id, MISSING, self.state.discovered_modified(article_id))
                self.stats.inc_value(f"{STAT}/marked_missing")

    async def process_spider_output(self, response, result):
        async for obj in result:
            if isinstance(obj, Request):
                obj = self.admit(obj)
                if obj is None:
                    continue
            yield obj

    def admit(self, request: Request) -> Request | None:
        """The request, or None when it is for an article the store holds unchanged."""
        article_id = article_id_from_url(request.url)
        if article_id is None or request.meta.get("playwright"):
            return request  # not an article, or a page fetched already that now goes to the browser
        modified = request.meta.get("newscrawl_modified")
        if self.state is not None and modified:
            self.state.note_discovered(article_id, modified)
        if article_id in self.requested_ids:
            return request  # a second link to an admitted article: the dupefilter drops it
        reason = self.reason_to_fetch(article_id, modified)
        if reason is None:
            self.stats.inc_value(f"{STAT}/skipped_known")
            return None
        self.stats.inc_value(f"{STAT}/{reason}")
        self.stats.inc_value(f"{STAT}/article_requests")
        self.requested_ids.add(article_id)
        return request

    def reason_to_fetch(self, article_id: int, modified: str | None) -> str | None:
        """Why an article page is to be fetched ("unseen", "changed", "refresh", "recheck"), or None."""
        record = self.state.article(article_id) if self.state is not None else None
        if record is None:
            return "unseen"
        if self.refresh:
            return "refresh"
        discovered, known = parse_time(modified), record.known_change
        if discovered is not None and (known is None or discovered > known):
            return "changed"
        if record.status != "emitted":
            last_seen = parse_time(record.last_seen)
            now = parse_time(self.state.now())
            if last_seen is None or now - last_seen >= self.recheck_after:
                return "recheck"
        return None

    def item_dropped(self, item, response, exception):
        """An Article dropped by a pipeline (no body, say) is REJECTED, unless the store already has it."""
        if self.state is None or not isinstance(item, Article) or item.article_id is None:
            return
        if isinstance(exception, NotAsked):
            return  # nothing wrong with the page: another date range wants it (pipelines/date_range.py)
        if self.state.article(item.article_id) is None:
            self.state.mark_unavailable(item.article_id, REJECTED, self.state.discovered_modified(item.article_id))


class InRunDupeFilter(RFPDupeFilter):
    """Scrapy's dupefilter without its JOBDIR file: it forgets when the crawl ends (see the module docstring)."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"), fingerprinter=crawler.request_fingerprinter)


class StateResumeScheduler(Scheduler):
    """Scrapy's scheduler without its JOBDIR request queue: requests stay in memory, JOBDIR or not.

    The on-disk queue is consistent only after a clean stop; after a SIGKILL it can be torn, and a resumed crawl
    then fails to pop requests (and loses their items). It is not needed here: a resumed crawl fetches its entry
    points again and IncrementalMiddleware re-requests every article the state store does not hold.
    """

    def _dqdir(self, jobdir):
        if jobdir:
            logger.info("JOBDIR %s: pending requests are not saved there; the state store (NEWSCRAWL_STATE) "
                        "tells a resumed crawl what is left to do", jobdir)
        return None
