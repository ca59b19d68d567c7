"""The `dawn` spider: discovery, following links and choosing the parser. Extraction lives in
newscrawl.extraction; validation, sidebar stripping, deduplication and writing live in pipelines/.

Arguments (all optional; read and checked by newscrawl/crawl/arguments.py; see README "Spider arguments"):
  -a since=YYYY-MM-DD -a until=YYYY-MM-DD  crawl the date archives of those days, and keep only sitemap/RSS
                                           entries and Articles published in that range
  -a urls=U1,U2,...  /  -a url_file=PATH   crawl exactly these pages; follow no link
  -a refresh=1                             re-download articles the state store already holds (see
                                           newscrawl/state/incremental.py); only changed ones are emitted again
  -a from_archive=1                        re-extract: every article captured in NEWSCRAWL_REPLAY, no discovery
                                           (implies refresh: only changed articles are emitted, as new versions)
  -a source=commoncrawl -a since=... [-a crawls=ID,...]  backfill the range from Common Crawl, not from Dawn
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date
from functools import cached_property
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse

from newscrawl.monitoring.agreement import FEED_BODIES_SEEN
from newscrawl.crawl.article_items import article_items, count_parser_error, count_skipped_entries
from newscrawl.archive.replay import load_archive
from newscrawl.commoncrawl.fetch import backfill_requests, with_provenance
from newscrawl.distributed.mode import seed_once
from newscrawl.crawl.article_reader import ArticleReader, ArticleReading, read_article_page
from newscrawl.extraction import (
    listing_links,
    listing_teasers,
    rss_bodies,
    rss_links,
    sitemap_index_locations,
    sitemap_links,
)
from newscrawl.crawl.arguments import PASSED_BY_TOOLS, CrawlArguments, parse_arguments
from newscrawl.clock import dawn_today, utc_now
from newscrawl.items import EditorialTeaser
from newscrawl.downloader.host_health import CrawlStopped
from newscrawl.crawl.render_policy import RenderPolicy
from newscrawl.crawl.responses import release_tree
from newscrawl.crawl.seen import seen_for
from newscrawl.stats_keys import DISCOVERED_LINKS, SKIPPED
from newscrawl.downloader.truncation import TruncatedPage
from newscrawl.urls import SITE_HOST, SITE_ROOT, page_kind, web_url_problem


class DawnSpider(scrapy.Spider):
    name = "dawn"
    allowed_domains = [SITE_HOST]

    def __init__(self, **kwargs):
        super().__init__(**{name: value for name, value in kwargs.items() if name in PASSED_BY_TOOLS})
        self.arguments = self.parse_arguments(kwargs)
        self.from_archive = self.arguments.from_archive
        # re-extraction downloads (from the archive) what the store holds, and emits only what changed
        self.refresh = self.arguments.refresh or self.from_archive
        self.explicit_urls = list(self.arguments.urls)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.article_reader  # noqa: B018 - a bad setting stops the crawl now; workers start while Scrapy does
        return spider

    @staticmethod
    def parse_arguments(raw: dict[str, str]) -> CrawlArguments:
        """The spider's arguments, or BadArgument; `scrapy crawl` calls it before the crawl starts."""
        return parse_arguments(raw, today=dawn_today())

    @property
    def dated(self) -> bool:
        return self.arguments.dated

    # ---- where the crawl starts ------------------------------------------------------------------
    async def start(self):
        if not seed_once(self.crawler):
            return  # distributed mode: another worker pushed the entries; this one takes work from the queue
        if self.arguments.source == "commoncrawl":  # every page from Common Crawl's records, none from Dawn
            async for request in backfill_requests(self.crawler, self.arguments, self.parse, self.on_error):
                yield request
            return
        if self.from_archive or self.explicit_urls:
            # a list of any length (a url_file, an archive): handed to the scheduler as it has room (Scrapy's lazy
            # start), or every request would wait in memory at once
            for url in self.archive_article_urls() if self.from_archive else self.explicit_urls:
                if self.crawler.engine.needs_backout():
                    await self.crawler.signals.wait_for(signals.scheduler_empty)
                yield self._request(url, follow=False)
            return
        settings = self.crawler.settings
        entry_points = settings.getlist("NEWSCRAWL_FEEDS")
        if not self.dated:  # undated listings show today; a dated crawl takes the archives instead
            entry_points += settings.getlist("NEWSCRAWL_LISTINGS")
        for url in entry_points:
            yield self._request(url, follow=True)
        for url in self.archive_urls():
            yield self._request(url, follow=True)

    def archive_article_urls(self) -> list[str]:
        """-a from_archive: one URL per article id captured in the replayed WARC files."""
        settings = self.crawler.settings
        if not settings.get("NEWSCRAWL_REPLAY"):
            raise ValueError("-a from_archive=1 needs -s NEWSCRAWL_REPLAY=WARC files, globs or directories")
        archive = load_archive(settings.get("NEWSCRAWL_REPLAY"), settings.get("NEWSCRAWL_REPLAY_AT") or None)
        urls = archive.article_urls()
        self.logger.info("Re-extracting the %d articles captured in the archive", len(urls))
        return urls

    def archive_urls(self) -> list[str]:
        """The date archives of each day of since..until, newest day first: a backfill cut short (a
        --timeout, a kill) has the most recent days, and its rerun skips the articles it already wrote."""
        paths = self.crawler.settings.getlist("NEWSCRAWL_ARCHIVES")
        return [f"{SITE_ROOT}/{path.strip('/')}/{day:%Y-%m-%d}" for day in self.arguments.days_newest_first()
                for path in paths]

    def _request(self, url: str, follow: bool, modified: str | None = None) -> scrapy.Request:
        # newscrawl_modified: when discovery says the article last changed (newscrawl/state/incremental.py)
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, cb_kwargs={"follow": follow},
                              meta={"newscrawl_modified": modified})

    def in_range(self, day: date | None) -> bool:
        # an entry that does not say when is kept: the article page will (pipelines/date_range.py)
        return self.arguments.in_range(day)

    # ---- routing ---------------------------------------------------------------------------------
    @cached_property
    def render_policy(self) -> RenderPolicy:
        return RenderPolicy(self.crawler)

    @cached_property
    def article_reader(self) -> ArticleReader:
        return ArticleReader.from_crawler(self.crawler)

    def parse(self, response, follow: bool = True):
        """Route the page to its parser: a list of items and requests, or (an article page read by a worker
        process, newscrawl/crawl/article_reader.py) a coroutine giving that list. Whatever a parser raises costs this
        page only: the page's items and links are dropped together, counted under newscrawl/dropped/parser_error
        and logged with the URL (newscrawl-cron counts them as errors)."""
        if (self.article_reader.in_workers and page_kind(response.url) == "article"
                and isinstance(response, HtmlResponse)):
            return self._read_in_worker(response)
        skipped: Counter = Counter()
        try:
            return list(self._route(response, follow, skipped))
        except Exception as exc:  # noqa: BLE001 - a parser bug or hostile page must not pass silently
            count_parser_error(self.crawler, response.url, type(exc).__name__, f"{type(exc).__name__}: {exc}", exc)
            return []
        finally:
            count_skipped_entries(self.crawler, skipped)
            release_tree(response)  # read: its tree goes with the response, not at the next garbage collection

    async def _read_in_worker(self, response) -> list:
        reading = await self.article_reader.read(response.text, response.url, self.render_policy.pattern_texts,
                                                 self.render_policy.rendered(response))
        count_skipped_entries(self.crawler, reading.skipped)
        if reading.error is not None:
            count_parser_error(self.crawler, response.url, reading.error_type, reading.error, reading.error_traceback)
            return []
        return list(self._article_results(response, reading))

    def _route(self, response, follow: bool, skipped: Counter):
        kind = page_kind(response.url)
        expected = TextResponse if kind in ("sitemap", "feed") else HtmlResponse
        if not isinstance(response, expected):
            self._skip(response, "non_html" if expected is HtmlResponse else "not_text")
            return
        if kind == "article":
            # one parse (Scrapy keeps response.selector) and one page object: the render decision and the items
            # read the same ones; teasers already emitted are not even read (newscrawl/crawl/seen.py)
            emitted = seen_for(self.crawler).ids("EditorialTeaser")
            reading = read_article_page(response.selector, response.url, self.render_policy.patterns,
                                        self.render_policy.rendered(response), skip_ids=emitted)
            skipped.update(reading.skipped)
            yield from self._article_results(response, reading)
            return
        if reasons := self.render_policy.reasons(response, kind):
            yield from self._render_again(response, reasons)
            return
        if kind == "sitemap":
            yield from self.parse_sitemap(response, follow, skipped)
        elif kind == "feed":
            # the feed's copies of article bodies, for the feed/page agreement monitor (newscrawl/monitoring/agreement.py)
            self.crawler.signals.send_catch_log(FEED_BODIES_SEEN, bodies=rss_bodies(response.selector))
            links = rss_links(response.selector, skipped)
            yield from self._follow([link for link in links if self.in_range(link.published)], response, follow)
        else:
            yield from self.parse_listing(response, follow, skipped)

    def _article_results(self, response, reading: ArticleReading):
        if reading.reasons:
            yield from self._render_again(response, list(reading.reasons))
        else:
            yield from self.parse_article(response, reading)

    def _render_again(self, response, reasons: list[str]):
        # the plain HTML lacks what the items need: the same page again, in the browser (render_policy.py)
        if (rendered := self.render_policy.rerender(response, reasons)) is not None:
            yield rendered

    def parse_article(self, response, reading: ArticleReading):
        yield from with_provenance(article_items(self.crawler, response.url, reading), response.meta)

    def parse_listing(self, response, follow: bool, skipped: Counter):
        fetched_at = utc_now()
        for teaser in listing_teasers(response.selector, response.url, skipped):
            yield EditorialTeaser(**teaser, first_seen_on=response.url, fetched_at=fetched_at)
        yield from self._follow(listing_links(response.selector, response.url, skipped), response, follow)

    def parse_sitemap(self, response, follow: bool, skipped: Counter):
        for url in sitemap_index_locations(response.selector):
            if follow and web_url_problem(url) is None and urlsplit(url).netloc == SITE_HOST:
                yield self._request(url, follow=True)
        links = [link for link in sitemap_links(response.selector, skipped) if self.in_range(link.published)]
        yield from self._follow(links, response, follow)

    def _follow(self, links, response, follow: bool):
        if not follow:
            return
        self.crawler.stats.inc_value(DISCOVERED_LINKS, len(links))
        for link in links:
            yield self._request(link.url, follow=False, modified=link.modified)

    # ---- what did not parse ----------------------------------------------------------------------
    def _skip(self, response, reason: str) -> None:
        self.crawler.stats.inc_value(f"{SKIPPED}/{reason}")
        self.logger.warning("Skipped %s (%s, HTTP %d, %s)", response.url, reason, response.status,
                            response.headers.get("Content-Type", b"").decode("latin-1") or "no Content-Type")

    def on_error(self, failure):
        """Download errors and HTTP errors (404, 500, ...) end here: logged and counted, never fatal."""
        if failure.check(TruncatedPage):
            return  # counted and logged as newscrawl/dropped/truncated (newscrawl/downloader/truncation.py)
        response = getattr(failure.value, "response", None)
        reason = (f"http_{response.status}" if response is not None
                  else "crawl_stopped" if failure.check(CrawlStopped) else type(failure.value).__name__)
        self.crawler.stats.inc_value(f"{SKIPPED}/{reason}")
        # a missing page is routine (listings link to withdrawn stories), and so is a request dropped because the
        # crawl is stopping (newscrawl/downloader/host_health.py); a 5xx or network error is not
        routine = response is not None and response.status in (404, 410) or isinstance(failure.value, IgnoreRequest)
        self.logger.log(logging.INFO if routine else logging.WARNING, "Skipped %s (%s)", failure.request.url, reason)
