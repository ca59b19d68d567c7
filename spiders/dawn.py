"""The `dawn` spider: discovery, following links and choosing the parser. Extraction lives in
newscrawl.extraction; validation, sidebar stripping, deduplication and writing live in pipelines/. Its arguments
(since, until, urls, url_file, ids, refresh, from_archive, source, crawls) are read and checked by
newscrawl/crawl/arguments.py and listed in README "Spider arguments".
"""

from __future__ import annotations

import logging
from collections import Counter
from functools import cached_property

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse

from newscrawl.monitoring.agreement import FEED_BODIES_SEEN
from newscrawl.crawl.article_items import article_items, count_parser_error, count_skipped_entries, sidebar_links
from newscrawl.archive.replay import load_archive
from newscrawl.commoncrawl.fetch import backfill_requests, with_provenance
from newscrawl.distributed.seeding import seed
from newscrawl.crawl.article_reader import ArticleReader, ArticleReading, read_article_page
from newscrawl.extraction import (feed_bodies, feed_links, listing_links, listing_teasers, sitemap_index_locations,
                                  sitemap_links)
from newscrawl.crawl.arguments import PASSED_BY_TOOLS, CrawlArguments, parse_arguments
from newscrawl.clock import dawn_today, utc_now
from newscrawl.items import EditorialTeaser
from newscrawl.downloader.host_health import CrawlStopped
from newscrawl.crawl.render_policy import RENDER_FAILED_META, RenderPolicy
from newscrawl.crawl.responses import release_tree
from newscrawl.crawl.outcomes import ARCHIVE_DAY, announce_links, announced, count_skipped_page
from newscrawl.crawl.seen import seen_for
from newscrawl.crawl.sitemaps import SITEMAP_DEPTH, SitemapChildren, sitemap_response
from newscrawl.stats_keys import DISCOVERED_LINKS
from newscrawl.downloader.redirects import SkippedRedirect
from newscrawl.downloader.truncation import TruncatedPage
from newscrawl.urls import SITE_HOST, SITE_ROOT, page_kind, request_url


class DawnSpider(scrapy.Spider):
    name = "dawn"
    allowed_domains = [SITE_HOST]

    def __init__(self, **kwargs):
        super().__init__(**{name: value for name, value in kwargs.items() if name in PASSED_BY_TOOLS})
        self.arguments = self.parse_arguments(kwargs)
        self.from_archive = self.arguments.from_archive
        # re-extraction downloads (from the archive) what the store holds, and emits only what changed
        self.refresh = self.arguments.refresh or self.from_archive

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.article_reader  # noqa: B018 - a bad setting stops the crawl now; workers start while Scrapy does
        spider.sitemap_children = SitemapChildren(crawler.settings)  # the bounds on sitemap indexes, per crawl
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
        if self.arguments.source == "commoncrawl":  # every page from Common Crawl's records, none from Dawn
            async for request in backfill_requests(self.crawler, self.arguments, self.parse, self.on_error):
                yield request
            return
        # a list of any length (a url_file, an archive) goes to the scheduler as it has room; in distributed mode to
        # the shared queue by one worker at a time, under a lease another worker takes over (distributed/seeding.py)
        async for request in seed(self.crawler, self.start_entries):
            yield request

    def start_entries(self):
        """Every start request, in the same order for every worker given the same arguments and files."""
        if self.from_archive or self.arguments.explicit:
            given = (("warc", url) for url in self.archive_article_urls()) if self.from_archive \
                else self.arguments.explicit_sources()
            # the ledger's sources, told a chunk at a time
            yield from announced(self.crawler, ((source, self._request(url, follow=False)) for source, url in given))
            return
        settings = self.crawler.settings
        entry_points = settings.getlist("NEWSCRAWL_FEEDS")
        if not self.dated:  # undated listings show today; a dated crawl takes the archives instead
            entry_points += settings.getlist("NEWSCRAWL_LISTINGS")
        for url in entry_points:
            yield self._request(url, follow=True)
        for url in self.archive_urls():  # each ends with its day, YYYY-MM-DD
            yield self._request(url, follow=True, meta={ARCHIVE_DAY: url[-10:]})

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

    def _request(self, url: str, follow: bool, modified: str | None = None, meta: dict | None = None):
        # newscrawl_modified: when discovery says the article last changed (newscrawl/state/incremental.py); an AMP
        # copy's URL is requested as its article's canonical URL: the canonical page is the article (urls.py)
        return scrapy.Request(request_url(url), callback=self.parse, errback=self.on_error, cb_kwargs={"follow": follow},
                              meta={"newscrawl_modified": modified, **(meta or {})})

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
            count_parser_error(self.crawler, response.request, type(exc).__name__, f"{type(exc).__name__}: {exc}", exc)
            return []
        finally:
            count_skipped_entries(self.crawler, skipped)
            release_tree(response)  # read: its tree goes with the response, not at the next garbage collection

    async def _read_in_worker(self, response) -> list:
        reading = await self.article_reader.read(response.text, response.url, self.render_policy.pattern_texts,
                                                 self.render_policy.rendered(response))
        count_skipped_entries(self.crawler, reading.skipped)
        if reading.error is not None:
            count_parser_error(self.crawler, response.request, reading.error_type, reading.error,
                               reading.error_traceback)
            return []
        return list(self._article_results(response, reading))

    def _route(self, response, follow: bool, skipped: Counter):
        # whatever a sitemap index names is read as a sitemap (newscrawl/crawl/sitemaps.py)
        kind = "sitemap" if SITEMAP_DEPTH in response.meta else page_kind(response.url)
        if kind == "sitemap":  # a gzipped one decompressed (bounded), or the reason it cannot be read
            response, reason = sitemap_response(response, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            if reason:
                self._skip(response, reason)
                return
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
            self.crawler.signals.send_catch_log(FEED_BODIES_SEEN, bodies=feed_bodies(response.selector))
            yield from self._follow(feed_links(response.selector, skipped), response, follow)  # RSS 2.0 or Atom
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
        items = article_items(self.crawler, response.url, reading, response.meta.get(RENDER_FAILED_META))
        yield from with_provenance(items, response.meta)  # an Article from Common Crawl says where it came from
        # the sidebar's stories are articles too: followed, unless the crawl was given its pages (arguments.py)
        yield from self._follow(sidebar_links(reading), response, self.arguments.follows_links)

    def parse_listing(self, response, follow: bool, skipped: Counter):
        fetched_at = utc_now()
        for teaser in listing_teasers(response.selector, response.url, skipped):
            yield EditorialTeaser(**teaser, first_seen_on=response.url, fetched_at=fetched_at)
        yield from self._follow(listing_links(response.selector, response.url, skipped), response, follow)

    def parse_sitemap(self, response, follow: bool, skipped: Counter):
        locations = sitemap_index_locations(response.selector) if follow else []
        for url, depth in self.sitemap_children.to_follow(response, locations, skipped):
            yield self._request(url, follow=True, meta={SITEMAP_DEPTH: depth})
        yield from self._follow(sitemap_links(response.selector, skipped), response, follow)

    def _follow(self, links, response, follow: bool):
        if not follow:
            return
        # the links published in the crawl's range (undated ones too); the ledger learns of them all
        links = announce_links(self.crawler, response.request, links, self.arguments.in_range)
        self.crawler.stats.inc_value(DISCOVERED_LINKS, len(links))
        for link in links:
            yield self._request(link.url, follow=False, modified=link.modified)

    # ---- what did not parse ----------------------------------------------------------------------
    def _skip(self, response, reason: str) -> None:
        count_skipped_page(self.crawler, response.request, reason)
        self.logger.warning("Skipped %s (%s, HTTP %d, %s)", response.url, reason, response.status,
                            response.headers.get("Content-Type", b"").decode("latin-1") or "no Content-Type")

    def on_error(self, failure):
        """Download errors and HTTP errors (404, 500, ...) end here: logged and counted, never fatal."""
        if failure.check(TruncatedPage):
            # counted and logged as newscrawl/dropped/truncated (newscrawl/downloader/truncation.py)
            return count_skipped_page(self.crawler, failure.request, "truncated", str(failure.value)[:300], True)
        if failure.check(SkippedRedirect):  # counted and logged as newscrawl/skipped/redirect_<reason> (redirects.py)
            return count_skipped_page(self.crawler, failure.request, failure.value.reason, failure.value.target, True)
        if (plain := self.render_policy.plain_fallback(failure)) is not None:
            # the render failed: the page is read as its plain download gave it, marked (render_policy.py)
            return self.parse(plain, **plain.request.cb_kwargs)
        response = getattr(failure.value, "response", None)
        reason = (f"http_{response.status}" if response is not None
                  else "crawl_stopped" if failure.check(CrawlStopped) else type(failure.value).__name__)
        count_skipped_page(self.crawler, failure.request, reason, str(failure.value)[:300])
        # a missing page is routine (listings link to withdrawn stories), and so is a request dropped because the
        # crawl is stopping (newscrawl/downloader/host_health.py); a 5xx or network error is not
        routine = response is not None and response.status in (404, 410) or isinstance(failure.value, IgnoreRequest)
        self.logger.log(logging.INFO if routine else logging.WARNING, "Skipped %s (%s)", failure.request.url, reason)
