"""Downloader middleware: a backfill's article request is answered from Common Crawl, never from Dawn.

A request carrying the plan's meta (newscrawl/commoncrawl/plan.py) is answered, before robots.txt or the download
handler are asked, with its first candidate record that checks out (newscrawl/commoncrawl/records.py). Each record
fetched is written to this project's WARC archive (the download handler's recorder: NEWSCRAWL_WARC_DIR) and noted
in the progress file; a record noted as stored is read back from that archive, never fetched again. A record that
does not check out is counted under newscrawl/commoncrawl/rejected/<reason> and noted too, and the next candidate
is tried. Under `-a source=commoncrawl` any other request (a page to render in the browser, say) is not sent.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import _schedule_coro

from newscrawl.archive.replay import load_archive
from newscrawl.commoncrawl.backfill import BACKFILL_FAILURES, Backfill
from newscrawl.commoncrawl.client import CommonCrawlRefused
from newscrawl.commoncrawl.plan import CC_META
from newscrawl.crawl.outcomes import announced
from newscrawl.commoncrawl.records import BadRecord, CapturedPage, fetch_record
from newscrawl.items import Article
from newscrawl.distributed.mode import is_distributed
from newscrawl.distributed.seeding import seed
from newscrawl.downloader.handler import RoutingDownloadHandler, build_response, warc_directory
from newscrawl.stats_keys import COMMONCRAWL

logger = logging.getLogger(__name__)
CAPTURE_META = "newscrawl_commoncrawl_capture"  # the capture an answer was read from: the Article's provenance
REFUSED_REASON = "commoncrawl_refused"  # the finish reason when Common Crawl kept refusing
SOURCE_FIELD = "WARC-Newscrawl-Source"  # on a record stored from Common Crawl: crawl, file, offset, length, date


class NotFromCommonCrawl(IgnoreRequest):
    """A backfill sends nothing to Dawn."""


class CommonCrawlRecords:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def active(self) -> bool:
        arguments = getattr(self.crawler.spider, "arguments", None)
        return getattr(arguments, "source", "") == "commoncrawl"

    async def process_request(self, request):
        if not self.active:
            return None
        entry = request.meta.get(CC_META)
        if entry is None or request.meta.get("playwright"):
            self.stats.inc_value(f"{COMMONCRAWL}/not_sent")
            raise NotFromCommonCrawl(f"a Common Crawl backfill sends nothing to Dawn: {request.url}")
        backfill = Backfill.of(self.crawler)
        for capture in entry["candidates"]:
            done = backfill.progress.record(capture["filename"], capture["offset"])
            if done is not None and done[0] == "stored" and (response := self._stored(request, done[1])):
                self.stats.inc_value(f"{COMMONCRAWL}/records_from_archive")
                request.meta[CAPTURE_META] = capture
                return response
            if done is not None and done[0] not in ("stored", "read"):
                continue  # rejected before: its reason was counted then ("read": fetched with no archive to keep it)
            try:
                page = await asyncio.to_thread(fetch_record, backfill.data, backfill.data_base, capture)
            except CommonCrawlRefused as refused:
                self._give_up(refused)
                raise IgnoreRequest(str(refused)) from None
            except BadRecord as bad:
                self._reject(backfill, capture, bad.reason, str(bad))
                continue
            if page.truncated:
                self._reject(backfill, capture, "truncated", f"WARC-Truncated: {page.truncated}")
                continue
            response = build_response(request, page.status, page.headers, page.body)
            stored = self._store(request, response, capture, page)
            backfill.progress.note_record(capture["filename"], capture["offset"], "stored" if stored else "read",
                                          request.url, entry["article_id"], capture["digest"])
            self.stats.inc_value(f"{COMMONCRAWL}/records_fetched")
            backfill.flush_stats()
            request.meta[CAPTURE_META] = capture
            return response
        self.stats.inc_value(f"{COMMONCRAWL}/articles_without_good_record")
        raise IgnoreRequest(f"no capture of {request.url} checked out")

    def _store(self, request, response, capture: dict, page: CapturedPage) -> bool:
        recorder = RoutingDownloadHandler.from_crawler(self.crawler).recorder
        if recorder is None:
            return False
        source = (f"commoncrawl {capture['crawl']} {capture['filename']} {capture['offset']} {capture['length']} "
                  f"{page.warc_date}")
        recorder.record(request, response, warc_fields={SOURCE_FIELD: source})
        return True

    def _stored(self, request, url: str):
        """The record stored by an earlier run, from this project's archive; None when it is no longer there."""
        directory = warc_directory(self.crawler.settings)
        if directory is None:
            return None
        status, headers, body = load_archive(directory).answer(url)
        if status == 404 and not body:
            return None
        return build_response(request, status, headers, body)

    def _reject(self, backfill: Backfill, capture: dict, reason: str, detail: str) -> None:
        logger.warning("Common Crawl record %s@%s of %s not used (%s)", capture["filename"], capture["offset"],
                       capture["url"], detail)
        self.stats.inc_value(f"{COMMONCRAWL}/rejected/{reason}")
        backfill.progress.note_record(capture["filename"], capture["offset"], reason, capture["url"],
                                      capture["article_id"], capture["digest"])

    def _give_up(self, refused: CommonCrawlRefused) -> None:
        if self.stats.get_value(f"{COMMONCRAWL}/refused") is None:
            logger.error("%s", refused)
        self.stats.set_value(f"{COMMONCRAWL}/refused", str(refused))
        Backfill.of(self.crawler).flush_stats()
        _schedule_coro(self.crawler.engine.close_spider_async(reason=REFUSED_REASON))


async def backfill_requests(crawler, arguments, callback, errback):
    """-a source=commoncrawl: one request per article the chosen crawls hold (newscrawl/commoncrawl/plan.py); each is
    answered by CommonCrawlRecords, never by Dawn."""
    backfill = Backfill.of(crawler)
    try:  # the index is read in a thread: a second or more per page, the reactor goes on meanwhile
        crawl_ids = await asyncio.to_thread(backfill.read_index, arguments)
    except BACKFILL_FAILURES as exc:
        logger.error("Common Crawl backfill stopped: %s", exc)
        backfill.fail(str(exc))
        await crawler.engine.close_spider_async(reason=REFUSED_REASON)
        return
    # handed to the seeding: in one process as the scheduler has room (a long list waits in the progress file, not
    # in memory); in distributed mode pushed to the shared queue under a lease that another worker takes over if
    # this one dies (every worker reads the index itself, politely, to have the same list)
    stable = is_distributed(crawler.settings)

    def entries():  # the ledger's source (docs/STATE.md), told a chunk at a time
        return announced(crawler, (("commoncrawl", Request(entry["url"], callback=callback, errback=errback,
                                                           cb_kwargs={"follow": False}, meta={CC_META: entry}))
                                   for entry in backfill.entries(arguments, crawl_ids, stable)))

    async for request in seed(crawler, entries):
        yield request


def with_provenance(items, meta: dict):
    """The items of an article page; an Article read from a Common Crawl record says which (docs/OUTPUT.md)."""
    capture = meta.get(CAPTURE_META)
    for item in items:
        if capture is not None and isinstance(item, Article):
            item.source = "commoncrawl"
            item.cc_crawl, item.cc_filename = capture["crawl"], capture["filename"]
            item.cc_offset, item.cc_length = int(capture["offset"]), int(capture["length"])
            item.cc_captured_at = captured_at(capture["timestamp"])
        yield item


def captured_at(timestamp: str) -> str:
    """A CDX timestamp (YYYYMMDDhhmmss, UTC) as ISO 8601."""
    t = timestamp.ljust(14, "0")
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}+00:00"
