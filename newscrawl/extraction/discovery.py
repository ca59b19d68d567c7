"""Where article links come from: listing pages, RSS and Atom feeds and the Google-News sitemap. Pure functions.

Entries are read one by one: an entry that cannot be read (a malformed URL, an id out of range, any exception)
is skipped and its reason counted in the `skipped` Counter the caller passes, and the rest are followed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from parsel import Selector

from newscrawl.urls import SITE_ROOT, BadUrl, absolute_url, checked_article_id, strip_query
from newscrawl.extraction.boxes import read_story_box
from newscrawl.extraction.html import is_story_element
from newscrawl.extraction.text import clean, iso_datetime


@dataclass(frozen=True)
class ArticleLink:
    article_id: int
    url: str  # the URL as linked, without query string or fragment
    published: date | None = None  # from a feed or sitemap, when it says
    # when discovery says the article last changed (ISO 8601 with offset): sitemap lastmod or publication date,
    # RSS pubDate, a listing's "Updated" time. The incremental crawl re-fetches a known article when it moves.
    modified: str | None = None
    # the day a listing's story box shows as "Published" (the listing's word only: it makes the ledger's claimed day,
    # never a date-range filter; the article page says when it was published)
    listed_day: date | None = None


def skip_reason(exc: Exception) -> str:
    """The stats key of why an entry was skipped: BadUrl's own reason, else the exception's class."""
    return exc.reason if isinstance(exc, BadUrl) else f"error_{type(exc).__name__}"


def read_each(entries: Iterable, read: Callable, skipped: Counter | None) -> Iterator:
    """`read(entry)` for each entry, in order; an entry whose reading raises is counted in `skipped` and left out."""
    for entry in entries:
        try:
            result = read(entry)
        except Exception as exc:  # noqa: BLE001 - one bad entry must not cost the page's other links
            if skipped is not None:
                skipped[skip_reason(exc)] += 1
            continue
        if result is not None:
            yield result


def _linked_article(href: str, page_url: str) -> tuple[int, str] | None:
    url = absolute_url(page_url, href)
    if url is None:
        raise BadUrl("bad_url", href)
    article_id = checked_article_id(url)
    return (article_id, strip_query(url)) if article_id is not None else None


def listing_links(selector: Selector, page_url: str, skipped: Counter | None = None) -> list[ArticleLink]:
    """Every www.dawn.com article linked from a page (sidebars included), once per id, in page order, with the
    time its story box shows as "Updated", if any, and the day it shows as "Published", if any."""
    updated, published = _listing_times(selector, page_url)
    links: dict[int, ArticleLink] = {}
    hrefs = selector.xpath("//a/@href").getall()
    for article_id, url in read_each(hrefs, lambda href: _linked_article(href, page_url), skipped):
        if article_id not in links:
            links[article_id] = ArticleLink(article_id, url, modified=updated.get(article_id),
                                            listed_day=published.get(article_id))
    return list(links.values())


def _listing_times(selector: Selector, page_url: str) -> tuple[dict[int, str], dict[int, date]]:
    """article id -> the "Updated" timestamp of its story box (the latest, when a page shows it twice), and
    article id -> the day of its "Published" timestamp (in the stamp's own offset, Pakistan time). A box that
    cannot be read is left out uncounted: its links are counted when the page's links are read."""
    times: dict[int, str] = {}
    published: dict[int, date] = {}
    stories = (el for el in selector.root.iter() if isinstance(el.tag, str) and is_story_element(el))
    for box in read_each(stories, lambda story: read_story_box(story, page_url), None):
        if box.time.updated and box.time.stamp:
            times[box.article_id] = max(filter(None, (times.get(box.article_id), box.time.stamp)),
                                        key=datetime.fromisoformat)
        elif box.time.stamp:
            published.setdefault(box.article_id, datetime.fromisoformat(box.time.stamp).date())
    return times, published


def _rss_time(text: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(clean(text))
    except (TypeError, ValueError, OverflowError):  # an hour of 20 digits overflows
        return None


def _rss_link(item: Selector) -> ArticleLink | None:
    stamp = _rss_time(item.xpath("./*[local-name()='pubDate']/text()").get())
    published = stamp.date() if stamp else None
    # a pubDate without offset ("-0000") parses naive; the incremental crawl then reads it as UTC
    modified = stamp.isoformat() if stamp else None
    for candidate in item.xpath("./*[local-name()='link' or local-name()='guid']/text()").getall():
        url = clean(candidate)
        if (article_id := checked_article_id(url)) is not None:
            return ArticleLink(article_id, strip_query(url), published, modified)
    return None


def _first_per_id(links: Iterable[ArticleLink]) -> list[ArticleLink]:
    first: dict[int, ArticleLink] = {}
    for link in links:
        first.setdefault(link.article_id, link)
    return list(first.values())


def rss_links(selector: Selector, skipped: Counter | None = None) -> list[ArticleLink]:
    """Articles of an RSS 2.0 feed: `link` (with slug), else `guid`, with the `pubDate` day."""
    return _first_per_id(read_each(selector.xpath("//*[local-name()='item']"), _rss_link, skipped))


def atom_entry_urls(entry: Selector) -> list[str]:
    """The URLs an Atom entry names for itself, absolute: its alternate links (a `link` without `rel` is one),
    then its `id` (often a tag: URI, which names no article)."""
    hrefs = entry.xpath("./*[local-name()='link'][not(@rel) or @rel='alternate']/@href").getall()
    hrefs += entry.xpath("./*[local-name()='id']/text()").getall()
    return [url for url in (absolute_url(SITE_ROOT, clean(href)) for href in hrefs) if url]


def _atom_link(entry: Selector) -> ArticleLink | None:
    published = _sitemap_time(entry.xpath("./*[local-name()='published']/text()").get())
    updated = _sitemap_time(entry.xpath("./*[local-name()='updated']/text()").get())
    day = published or updated
    modified = max(filter(None, (published, updated)), default=None)
    for url in atom_entry_urls(entry):
        if (article_id := checked_article_id(url)) is not None:
            return ArticleLink(article_id, strip_query(url), day.date() if day else None,
                               modified.isoformat() if modified else None)
    return None


def atom_links(selector: Selector, skipped: Counter | None = None) -> list[ArticleLink]:
    """Articles of an Atom feed (RFC 4287): the alternate `link`, else `id`, with the `published` day (else
    `updated`'s); modified is the later of the two."""
    return _first_per_id(read_each(selector.xpath("//*[local-name()='entry']"), _atom_link, skipped))


def feed_links(selector: Selector, skipped: Counter | None = None) -> list[ArticleLink]:
    """Articles of a feed, RSS 2.0 or Atom (or both kinds of entry in one document), once per id."""
    return _first_per_id([*rss_links(selector, skipped), *atom_links(selector, skipped)])


def _sitemap_time(text: str | None) -> datetime | None:
    """A W3C datetime; a bare day (allowed in lastmod) is that day's midnight UTC."""
    text = clean(text)
    if iso := iso_datetime(text):
        return datetime.fromisoformat(iso)
    try:
        return datetime.combine(date.fromisoformat(text[:10]), time(), UTC)
    except ValueError:
        return None


def _sitemap_link(entry: Selector) -> ArticleLink | None:
    url = clean(entry.xpath("./*[local-name()='loc']/text()").get())
    if (article_id := checked_article_id(url)) is None:
        return None
    published = entry.xpath(".//*[local-name()='publication_date']/text()").get()
    lastmod = entry.xpath("./*[local-name()='lastmod']/text()").get()
    modified = max(filter(None, (_sitemap_time(published), _sitemap_time(lastmod))), default=None)
    day = _sitemap_time(published or lastmod)
    return ArticleLink(article_id, strip_query(url), day.date() if day else None,
                       modified.isoformat() if modified else None)


def sitemap_links(selector: Selector, skipped: Counter | None = None) -> list[ArticleLink]:
    """Articles of a (Google-News) sitemap: `loc`, with `news:publication_date`, else `lastmod`; modified is the
    later of the two."""
    return _first_per_id(read_each(selector.xpath("//*[local-name()='url']"), _sitemap_link, skipped))


def sitemap_index_locations(selector: Selector) -> list[str]:
    """Child sitemaps of a sitemap index."""
    return [clean(u) for u in selector.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()").getall()]
