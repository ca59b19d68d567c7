"""What the crawl learned of each article id, and what became of each page it asked for, told by Scrapy signals to
the ledger (newscrawl/state/ledger.py, docs/STATE.md "The ledger"), which lies in a layer above this one.

Told where it is counted: a page skipped (`count_skipped_page`, the spider's errback and skips), a page whose
parser raised or that needed a browser it could not have, an item dropped (newscrawl/crawl/drops.py names the
reason on the DropItem), a list of links read. So a new skip or drop reason reaches the ledger by itself.

Outcomes (the ledger's words): written (with its version); not_found (404/410); moved (another host: another Dawn
property, not missing); dropped (reason); failed (retries exhausted, the last error); filtered (outside a date
range); not_tried. Sources are plain names: sitemap, feed, listing, archive, sidebar, urls, warc; a backfill
adds its own (e.g. commoncrawl).
"""

from __future__ import annotations

from itertools import islice
from urllib.parse import urlsplit

from newscrawl.downloader.redirects import REDIRECT_MOVED
from newscrawl.stats_keys import SKIPPED
from newscrawl.urls import SITE_HOST, article_id_from_url, page_kind

WRITTEN, NOT_FOUND, MOVED, DROPPED, FAILED, FILTERED, NOT_TRIED = (
    "written", "not_found", "moved", "dropped", "failed", "filtered", "not_tried")
OUTCOMES = (WRITTEN, NOT_FOUND, MOVED, DROPPED, FAILED, FILTERED, NOT_TRIED)
CRAWLED = "crawled"  # a date archive page read (its other outcome is FAILED)

# Signals (sent with crawler.signals.send_catch_log)
ARTICLES_LISTED = object()  # links: [(article_id, claimed day "YYYY-MM-DD" or None)], source: str, filtered: bool
ARTICLE_OUTCOME = object()  # article_id, outcome, reason, detail, published_at
ARCHIVE_PAGE = object()  # url, day, outcome (CRAWLED or FAILED), reason

# request meta: the day of a date archive page (set by the spider for -a since/until)
ARCHIVE_DAY = "newscrawl_archive_day"
# skip reasons that say nothing of the page: the crawl is stopping, the page was not asked (stays not_tried)
NOT_ASKED_REASONS = ("crawl_stopped",)
NOT_FOUND_STATUSES = ("http_404", "http_410")


def source_of(request) -> str:
    """The source name of the page a link was read on: archive, sitemap, feed, listing, or sidebar (an article)."""
    if request.meta.get(ARCHIVE_DAY):
        return "archive"
    kind = page_kind(request.url)
    return "sidebar" if kind == "article" else kind


def announce_listed(crawler, links: list[tuple[int, str | None]], source: str, filtered: bool = False) -> None:
    if links:
        crawler.signals.send_catch_log(ARTICLES_LISTED, links=links, source=source, filtered=filtered)


def announce_urls(crawler, urls: list[str], source: str) -> None:
    """Pages given to the crawl (-a urls / url_file, the articles of a replayed archive): their ids, learned of."""
    announce_listed(crawler, [(i, None) for i in map(article_id_from_url, urls) if i is not None], source)


# Start entries told to the ledger this many at a time: one store transaction a chunk, not one a URL (a url_file of
# 100,000 URLs was 100,000 SQLite commits); the list is read this far ahead of the scheduler.
ANNOUNCE_CHUNK = 500


def announced(crawler, entries, chunk: int = ANNOUNCE_CHUNK):
    """The requests of (source, request) start entries, each chunk's article ids told to the ledger (as learned of
    from their source) before the chunk's first request is handed on."""
    entries = iter(entries)
    while batch := list(islice(entries, chunk)):
        by_source: dict[str, list[str]] = {}
        for source, request in batch:
            by_source.setdefault(source, []).append(request.url)
        for source, urls in by_source.items():
            announce_urls(crawler, urls, source)
        yield from (request for _, request in batch)


def announce_links(crawler, request, links: list, in_range) -> list:
    """Tell the ledger of the article links (newscrawl.extraction.discovery.ArticleLink) read on a page, those
    outside the crawl's date range (`in_range(day)` False) as filtered; a date archive page as crawled. Returns
    the links in range. A link's claimed day is its feed or sitemap date, else the day its story box shows, else
    the archive page's day."""
    if request.meta.get(ARCHIVE_DAY):  # a date archive page read; an article page's outcome is its item's
        announce_page(crawler, request, CRAWLED, None)
    day, source = request.meta.get(ARCHIVE_DAY), source_of(request)
    inside = [link for link in links if in_range(link.published)]
    outside = [link for link in links if not in_range(link.published)]
    announce_listed(crawler, [(link.article_id, _iso(link.published or link.listed_day) or day) for link in inside],
                    source)
    announce_listed(crawler, [(link.article_id, _iso(link.published)) for link in outside], source, filtered=True)
    return inside


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def announce_page(crawler, request, outcome: str, reason: str | None, detail: str | None = None,
                  published_at: str | None = None) -> None:
    """The end of a page the crawl asked for: an article's outcome, or a date archive page crawled or failed."""
    asked = (request.meta.get("redirect_urls") or [request.url])[0]  # the URL asked, before redirects
    if day := request.meta.get(ARCHIVE_DAY):
        crawler.signals.send_catch_log(ARCHIVE_PAGE, url=asked, day=day, outcome=outcome, reason=reason)
    elif (article_id := article_id_from_url(asked)) is not None:
        crawler.signals.send_catch_log(ARTICLE_OUTCOME, article_id=article_id, outcome=outcome, reason=reason,
                                       detail=detail, published_at=published_at)


def skip_outcome(request, reason: str) -> str | None:
    """What a skipped page was: not_found (404/410), moved (redirected to another host), failed; None when the
    page was never really asked (the crawl was stopping)."""
    if reason in NOT_ASKED_REASONS:
        return None
    if reason in NOT_FOUND_STATUSES:
        return NOT_FOUND
    if reason == REDIRECT_MOVED:  # to another Dawn property (newscrawl/downloader/redirects.py)
        return MOVED
    host = urlsplit(request.url).hostname or ""
    if request.meta.get("redirect_urls") and host != SITE_HOST:
        return MOVED
    return FAILED


def count_skipped_page(crawler, request, reason: str, detail: str | None = None, counted: bool = False) -> None:
    """A page not parsed: counted under newscrawl/skipped/<reason> (unless `counted` elsewhere already), and its
    outcome told to the ledger (moved pages name their new host)."""
    if not counted:
        crawler.stats.inc_value(f"{SKIPPED}/{reason}")
    if (outcome := skip_outcome(request, reason)) is not None:
        # a judged redirect's detail is the URL it pointed at; a followed one ended at request.url
        moved_to = urlsplit(detail if reason == REDIRECT_MOVED else request.url).hostname if outcome == MOVED else None
        announce_page(crawler, request, outcome, moved_to or reason, detail)
