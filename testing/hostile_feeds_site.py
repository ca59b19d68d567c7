"""Feeds in other formats (#20 class 7), as a small mirror for whole crawls (tests/test_hostile_feeds.py and
bench/hostile_feed_warc_cases.py): an Atom feed, gzipped sitemaps (`application/x-gzip`, `.xml.gz` children of an
index), a gzip bomb sitemap, a chain of sitemap indexes deeper than the limit and an index wider than it.

The article pages are the offline site's, byte for byte; the feeds and sitemaps are written here by hand (Dawn
serves RSS and one Google-News sitemap: these are what another site or a CMS change could send).
"""

from __future__ import annotations

import gzip
from html import escape
from pathlib import Path

from lxml import etree

from newscrawl.downloader.mirror import Mirror
from testing.files import SITE, write_mirror

ROOT_URL = "https://www.dawn.com"
ATOM_IDS = [1918168, 1918162]  # in feeds/home.xml too: their Atom content is the RSS item's body HTML
GZIP_IDS = [1918149, 1918124]  # one in a .xml.gz child of an index, one in an application/x-gzip sitemap
CHAIN_ID = 1918120  # at the end of a chain of sitemap indexes one level deeper than NEWSCRAWL_SITEMAP_MAX_DEPTH
WIDE_IDS = [1917668, 1917703, 1917972]  # one sitemap each, children of one index
ENTRY_POINTS = [f"{ROOT_URL}/feeds/atom", f"{ROOT_URL}/feeds/sitemap-index", f"{ROOT_URL}/feeds/sitemap-chain/1"]
XGZIP = "application/x-gzip"


def _rss_bodies() -> dict[int, str]:
    root = etree.fromstring((SITE / "feeds" / "home.xml").read_bytes())
    bodies = {}
    for item in root.iter("item"):
        article_id = int(item.findtext("guid").rsplit("/", 1)[1])
        bodies[article_id] = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    return bodies


def atom_feed(ids: list[int]) -> bytes:
    """Atom entries for `ids`, the first linked by a relative href; each with a tag: id and an enclosure link."""
    bodies = _rss_bodies()
    entries = "".join(
        f"<entry><title>Story {i}</title><id>tag:dawn.com,2025:{i}</id>"
        f'<link rel="alternate" type="text/html" href="{ROOT_URL if n else ""}/news/{i}"/>'
        f'<link rel="enclosure" href="{ROOT_URL}/news/999/not-the-article"/>'
        f"<published>2025-06-19T10:00:00+05:00</published><updated>2025-06-19T11:30:00+05:00</updated>"
        f'<content type="html">{escape(bodies[i])}</content></entry>' for n, i in enumerate(ids))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Dawn</title>'
            f"<id>{ROOT_URL}/feeds/atom</id><updated>2025-06-19T11:30:00+05:00</updated>{entries}</feed>").encode()


def urlset(ids: list[int]) -> bytes:
    urls = "".join(f"<url><loc>{ROOT_URL}/news/{i}</loc><lastmod>2025-06-19</lastmod></url>" for i in ids)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def sitemap_index(urls: list[str]) -> bytes:
    children = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}'
            "</sitemapindex>").encode()


def hostile_feeds_mirror(directory: Path, chain_length: int = 4) -> Path:
    """The mirror: ENTRY_POINTS, their children, WIDE's index (`/feeds/sitemap-wide`), and the article pages."""
    site = Mirror(SITE)
    xml = "application/xml"
    gz_child, xgzip, bomb = (f"{ROOT_URL}/sitemaps/news-1.xml.gz", f"{ROOT_URL}/feeds/sitemap-archive",
                             f"{ROOT_URL}/sitemaps/bomb.xml.gz")
    pages = {
        f"{ROOT_URL}/feeds/atom": (200, "application/atom+xml; charset=utf-8", atom_feed(ATOM_IDS)),
        f"{ROOT_URL}/feeds/sitemap-index": (200, xml, sitemap_index([gz_child, xgzip, bomb])),
        gz_child: (200, XGZIP, gzip.compress(urlset(GZIP_IDS[:1]))),
        xgzip: (200, XGZIP, gzip.compress(urlset(GZIP_IDS[1:]))),
        bomb: (200, XGZIP, gzip.compress(b" " * (64 << 20))),  # 64 MiB of spaces once decompressed
        f"{ROOT_URL}/feeds/sitemap-wide": (200, xml, sitemap_index([f"{ROOT_URL}/feeds/sitemap-wide/{i}"
                                                                    for i in WIDE_IDS])),
    }
    # chain/1 (the entry point, depth 0) -> chain/2 -> ... -> chain/N, a urlset of CHAIN_ID
    for n in range(1, chain_length):
        pages[f"{ROOT_URL}/feeds/sitemap-chain/{n}"] = (200, xml, sitemap_index([f"{ROOT_URL}/feeds/sitemap-chain/{n + 1}"]))
    pages[f"{ROOT_URL}/feeds/sitemap-chain/{chain_length}"] = (200, xml, urlset([CHAIN_ID]))
    for i in WIDE_IDS:
        pages[f"{ROOT_URL}/feeds/sitemap-wide/{i}"] = (200, xml, urlset([i]))
    for article_id in [*ATOM_IDS, *GZIP_IDS, CHAIN_ID, *WIDE_IDS]:
        status, headers, body = site.answer(f"{ROOT_URL}/news/{article_id}")
        pages[f"{ROOT_URL}/news/{article_id}"] = (status, headers["Content-Type"], body)
    return write_mirror(directory, pages)
