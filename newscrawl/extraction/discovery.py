"""Where article links come from: listing pages, RSS feeds and the Google-News sitemap. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from parsel import Selector

from ..urls import article_id_from_url, strip_query
from .text import clean, iso_datetime


@dataclass(frozen=True)
class ArticleLink:
    article_id: int
    url: str  # the URL as linked, without query string or fragment
    published: date | None = None  # from a feed or sitemap, when it says


def listing_links(selector: Selector, page_url: str) -> list[ArticleLink]:
    """Every www.dawn.com article linked from a page (sidebars included), once per id, in page order."""
    links: dict[int, ArticleLink] = {}
    for href in selector.xpath("//a/@href").getall():
        url = urljoin(page_url, href.strip())
        if (article_id := article_id_from_url(url)) is not None and article_id not in links:
            links[article_id] = ArticleLink(article_id, strip_query(url))
    return list(links.values())


def _rss_date(text: str | None) -> date | None:
    try:
        return parsedate_to_datetime(clean(text)).date()
    except (TypeError, ValueError):
        return None


def rss_links(selector: Selector) -> list[ArticleLink]:
    """Articles of an RSS 2.0 feed: `link` (with slug), else `guid`, with the `pubDate` day."""
    links: dict[int, ArticleLink] = {}
    for item in selector.xpath("//*[local-name()='item']"):
        published = _rss_date(item.xpath("./*[local-name()='pubDate']/text()").get())
        for candidate in item.xpath("./*[local-name()='link' or local-name()='guid']/text()").getall():
            url = clean(candidate)
            if (article_id := article_id_from_url(url)) is not None:
                links.setdefault(article_id, ArticleLink(article_id, strip_query(url), published))
                break
    return list(links.values())


def _sitemap_date(text: str | None) -> date | None:
    text = clean(text)
    if iso := iso_datetime(text):
        return datetime.fromisoformat(iso).date()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def sitemap_links(selector: Selector) -> list[ArticleLink]:
    """Articles of a (Google-News) sitemap: `loc`, with `news:publication_date`, else `lastmod`."""
    links: dict[int, ArticleLink] = {}
    for entry in selector.xpath("//*[local-name()='url']"):
        url = clean(entry.xpath("./*[local-name()='loc']/text()").get())
        stamp = (entry.xpath(".//*[local-name()='publication_date']/text()").get()
                 or entry.xpath("./*[local-name()='lastmod']/text()").get())
        if (article_id := article_id_from_url(url)) is not None:
            links.setdefault(article_id, ArticleLink(article_id, strip_query(url), _sitemap_date(stamp)))
    return list(links.values())


def sitemap_index_locations(selector: Selector) -> list[str]:
    """Child sitemaps of a sitemap index."""
    return [clean(u) for u in selector.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()").getall()]
