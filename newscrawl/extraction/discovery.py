"""Where article links come from: listing pages, RSS feeds and the Google-News sitemap. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from parsel import Selector

from ..urls import article_id_from_url, strip_query
from .boxes import read_story_box
from .html import is_story_element
from .text import clean, iso_datetime


@dataclass(frozen=True)
class ArticleLink:
    article_id: int
    url: str  # the URL as linked, without query string or fragment
    published: date | None = None  # from a feed or sitemap, when it says
    # when discovery says the article last changed (ISO 8601 with offset): sitemap lastmod or publication date,
    # RSS pubDate, a listing's "Updated" time. The incremental crawl re-fetches a known article when it moves.
    modified: str | None = None


def listing_links(selector: Selector, page_url: str) -> list[ArticleLink]:
    """Every www.dawn.com article linked from a page (sidebars included), once per id, in page order, with the
    time its story box shows as "Updated", if any."""
    updated = _listing_updated_times(selector, page_url)
    links: dict[int, ArticleLink] = {}
    for href in selector.xpath("//a/@href").getall():
        url = urljoin(page_url, href.strip())
        if (article_id := article_id_from_url(url)) is not None and article_id not in links:
            links[article_id] = ArticleLink(article_id, strip_query(url), modified=updated.get(article_id))
    return list(links.values())


def _listing_updated_times(selector: Selector, page_url: str) -> dict[int, str]:
    """article id -> the "Updated" timestamp of its story box (the latest, when a page shows it twice)."""
    times: dict[int, str] = {}
    for story in selector.root.iter():
        if not isinstance(story.tag, str) or not is_story_element(story):
            continue
        box = read_story_box(story, page_url)
        if box is not None and box.time.updated and box.time.stamp:
            times[box.article_id] = max(filter(None, (times.get(box.article_id), box.time.stamp)),
                                        key=datetime.fromisoformat)
    return times


def _rss_time(text: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(clean(text))
    except (TypeError, ValueError):
        return None


def rss_links(selector: Selector) -> list[ArticleLink]:
    """Articles of an RSS 2.0 feed: `link` (with slug), else `guid`, with the `pubDate` day."""
    links: dict[int, ArticleLink] = {}
    for item in selector.xpath("//*[local-name()='item']"):
        stamp = _rss_time(item.xpath("./*[local-name()='pubDate']/text()").get())
        published = stamp.date() if stamp else None
        # a pubDate without offset ("-0000") parses naive; the incremental crawl then reads it as UTC
        modified = stamp.isoformat() if stamp else None
        for candidate in item.xpath("./*[local-name()='link' or local-name()='guid']/text()").getall():
            url = clean(candidate)
            if (article_id := article_id_from_url(url)) is not None:
                links.setdefault(article_id, ArticleLink(article_id, strip_query(url), published, modified))
                break
    return list(links.values())


def _sitemap_time(text: str | None) -> datetime | None:
    """A W3C datetime; a bare day (allowed in lastmod) is that day's midnight UTC."""
    text = clean(text)
    if iso := iso_datetime(text):
        return datetime.fromisoformat(iso)
    try:
        return datetime.combine(date.fromisoformat(text[:10]), time(), UTC)
    except ValueError:
        return None


def sitemap_links(selector: Selector) -> list[ArticleLink]:
    """Articles of a (Google-News) sitemap: `loc`, with `news:publication_date`, else `lastmod`; modified is the
    later of the two."""
    links: dict[int, ArticleLink] = {}
    for entry in selector.xpath("//*[local-name()='url']"):
        url = clean(entry.xpath("./*[local-name()='loc']/text()").get())
        published = entry.xpath(".//*[local-name()='publication_date']/text()").get()
        lastmod = entry.xpath("./*[local-name()='lastmod']/text()").get()
        modified = max(filter(None, (_sitemap_time(published), _sitemap_time(lastmod))), default=None)
        if (article_id := article_id_from_url(url)) is not None:
            day = _sitemap_time(published or lastmod)
            links.setdefault(article_id, ArticleLink(article_id, strip_query(url), day.date() if day else None,
                                                     modified.isoformat() if modified else None))
    return list(links.values())


def sitemap_index_locations(selector: Selector) -> list[str]:
    """Child sitemaps of a sitemap index."""
    return [clean(u) for u in selector.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()").getall()]
