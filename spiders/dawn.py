"""The `dawn` spider: discovery, following links and choosing the parser. Extraction lives in
newscrawl.extraction; validation, sidebar stripping, deduplication and writing live in pipelines/.

Arguments (all optional; read and checked by newscrawl/arguments.py; see README "Spider arguments"):
  -a since=YYYY-MM-DD -a until=YYYY-MM-DD  crawl the date archives of those days, and keep only sitemap/RSS
                                           entries and Articles published in that range
  -a urls=U1,U2,...  /  -a url_file=PATH   crawl exactly these pages; follow no link
  -a refresh=1                             re-download articles the state store already holds (see
                                           newscrawl/incremental.py); only changed ones are emitted again
  -a from_archive=1                        re-extract: every article captured in NEWSCRAWL_REPLAY, no discovery
                                           (implies refresh: only changed articles are emitted, as new versions)
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date
from functools import cached_property
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse

from newscrawl.agreement import FEED_BODIES_SEEN
from newscrawl.archive.replay import load_archive
from newscrawl.distributed import seed_once
from newscrawl.extraction import (
    ParsedArticlePage,
    listing_links,
    listing_teasers,
    rss_bodies,
    rss_links,
    sitemap_index_locations,
    sitemap_links,
)
from newscrawl.arguments import PASSED_BY_TOOLS, CrawlArguments, parse_arguments
from newscrawl.clock import dawn_today, utc_now
from newscrawl.items import Article, EditorialTeaser
from newscrawl.render_policy import RenderPolicy
from newscrawl.seen import seen_for
from newscrawl.stats_keys import (DISCOVERED_LINKS, DROPPED, EXTRACTOR, PARSER_ERRORS, SKIPPED, SKIPPED_ENTRIES,
                                  STORY_NOT_FOUND, STORY_PROVEN, TEASERS_ALREADY_EMITTED)
from newscrawl.truncation import TruncatedPage
from newscrawl.urls import SITE_HOST, SITE_ROOT, article_id_from_url, web_url_problem

PARSER_ERROR_STAT = f"{DROPPED}/parser_error"


def page_kind(url: str) -> str:
    """Which parser a URL needs: "article", "sitemap", "feed" or "listing"."""
    if article_id_from_url(url) is not None:
        return "article"
    path = urlsplit(url).path
    if path.startswith("/feeds/sitemap") or path.endswith(".xml") and "sitemap" in path:
        return "sitemap"
    if path.startswith("/feeds/"):
        return "feed"
    return "listing"


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
        if self.from_archive:
            for url in self.archive_article_urls():
                yield self._request(url, follow=False)
            return
        if self.explicit_urls:
            for url in self.explicit_urls:
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
        # newscrawl_modified: when discovery says the article last changed (newscrawl/incremental.py)
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, cb_kwargs={"follow": follow},
                              meta={"newscrawl_modified": modified})

    def in_range(self, day: date | None) -> bool:
        # an entry that does not say when is kept: the article page will (pipelines/date_range.py)
        return self.arguments.in_range(day)

    # ---- routing ---------------------------------------------------------------------------------
    @cached_property
    def render_policy(self) -> RenderPolicy:
        return RenderPolicy(self.crawler)

    def parse(self, response, follow: bool = True):
        """Route the page to its parser. Whatever a parser raises costs this page only: the page's items and
        links are dropped together, counted under newscrawl/dropped/parser_error and logged with the URL
        (newscrawl-cron counts them as errors)."""
        skipped: Counter = Counter()
        try:
            results = list(self._route(response, follow, skipped))
        except Exception as exc:  # noqa: BLE001 - a parser bug or hostile page must not pass silently
            self.crawler.stats.inc_value(PARSER_ERROR_STAT)
            self.crawler.stats.inc_value(f"{PARSER_ERRORS}/{type(exc).__name__}")
            self.logger.error("Dropped %s: its parser raised %s: %s [parser_error]", response.url,
                              type(exc).__name__, str(exc)[:200], exc_info=exc)
            return
        finally:
            for reason, count in skipped.items():
                self.crawler.stats.inc_value(f"{SKIPPED_ENTRIES}/{reason}", count)
            # Scrapy's cached Selector and its response refer to each other, a cycle only the garbage collector
            # frees: parsed trees (each several times its page) piled up between collections. Parsed: cut it.
            if (selector := getattr(response, "_cached_selector", None)) is not None:
                selector.response = None
        yield from results

    def _route(self, response, follow: bool, skipped: Counter):
        kind = page_kind(response.url)
        expected = TextResponse if kind in ("sitemap", "feed") else HtmlResponse
        if not isinstance(response, expected):
            self._skip(response, "non_html" if expected is HtmlResponse else "not_text")
            return
        # one parse (Scrapy keeps response.selector) and one page object per article: the render decision and
        # the items read the same ones
        article = ParsedArticlePage(response.selector, response.url, skipped=skipped) if kind == "article" else None
        if reasons := self.render_policy.reasons(response, kind, article.page if article else None):
            # the plain HTML lacks what the items need: the same page again, in the browser (render_policy.py)
            if (rendered := self.render_policy.rerender(response, reasons)) is not None:
                yield rendered
            return
        if kind == "article":
            yield from self.parse_article(response, article)
        elif kind == "sitemap":
            yield from self.parse_sitemap(response, follow, skipped)
        elif kind == "feed":
            # the feed's copies of article bodies, for the feed/page agreement monitor (newscrawl/agreement.py)
            self.crawler.signals.send_catch_log(FEED_BODIES_SEEN, bodies=rss_bodies(response.selector))
            links = rss_links(response.selector, skipped)
            yield from self._follow([link for link in links if self.in_range(link.published)], response, follow)
        else:
            yield from self.parse_listing(response, follow, skipped)

    def parse_article(self, response, article: ParsedArticlePage):
        fetched_at = utc_now()
        # teasers the deduplicate pipeline let through already (newscrawl/seen.py) are neither read nor yielded
        emitted = seen_for(self.crawler).ids("EditorialTeaser")
        if repeats := sum(article_id in emitted for article_id in article.sidebar.article_ids()):
            self.crawler.stats.inc_value(TEASERS_ALREADY_EMITTED, repeats)
        # a page's teasers go before its Article, on purpose: the strip-sidebar pipeline learns the sidebar's
        # text from them before it cleans the Article's body (tests/test_article_items.py checks this order)
        for teaser in article.sidebar.teasers(skip_ids=emitted):
            yield EditorialTeaser(**teaser, first_seen_on=response.url, fetched_at=fetched_at)
        fields = article.article_fields()
        # every Article counted by extractor and by how its story box was proven: the drift alarms watch the share
        # of generic bodies and of pages without a proven story box (newscrawl.drift)
        self.crawler.stats.inc_value(f"{EXTRACTOR}/{fields['extractor']}")
        if (proof := article.story_proof) is None:
            self.crawler.stats.inc_value(STORY_NOT_FOUND)
            self.logger.warning("Story box not found in %s: fields from the page's metadata", response.url)
        else:
            self.crawler.stats.inc_value(f"{STORY_PROVEN}/{proof}")
        if fields["extractor"] != "dawn":
            self.logger.warning("No Dawn story body in %s: body taken by the %s extractor", response.url,
                                fields["extractor"])
        yield Article(**fields, fetched_at=fetched_at)

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
            return  # counted and logged as newscrawl/dropped/truncated (newscrawl/truncation.py)
        response = getattr(failure.value, "response", None)
        reason = f"http_{response.status}" if response is not None else type(failure.value).__name__
        self.crawler.stats.inc_value(f"{SKIPPED}/{reason}")
        # a missing page is routine (listings link to withdrawn stories), and so is a request dropped because the
        # crawl is stopping (newscrawl/host_health.py); a 5xx or network error is not
        routine = response is not None and response.status in (404, 410) or isinstance(failure.value, IgnoreRequest)
        self.logger.log(logging.INFO if routine else logging.WARNING, "Skipped %s (%s)", failure.request.url, reason)
