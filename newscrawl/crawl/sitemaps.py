"""The spider's side of sitemaps: a gzipped sitemap read, and the bounds on following sitemap indexes.

- A sitemap sent gzipped as a file (`application/x-gzip`, a `.xml.gz` child of an index; not a Content-Encoding,
  which Scrapy's compression middleware undoes) is decompressed here, to at most DOWNLOAD_MAXSIZE bytes (the cap
  every response has; a gzip bomb stops there) and read as XML.
- A sitemap index can name indexes that name indexes: children are followed to at most
  NEWSCRAWL_SITEMAP_MAX_DEPTH levels below the entry point, and at most NEWSCRAWL_SITEMAP_MAX_CHILDREN child
  sitemaps per crawl. What is not followed is counted as a skipped entry (`sitemap_too_deep`,
  `sitemap_limit`) and logged once, so a site that generates new sitemap URLs without end costs a bounded crawl.
"""

from __future__ import annotations

import logging
import struct
import zlib
from collections import Counter
from urllib.parse import urlsplit

from scrapy.http import TextResponse, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number

from newscrawl.urls import SITE_HOST, web_url_problem

logger = logging.getLogger(__name__)

# request meta: how many sitemap indexes lie above this sitemap (0: an entry point); its presence routes the
# response as a sitemap whatever its URL looks like
SITEMAP_DEPTH = "newscrawl_sitemap_depth"


def sitemap_response(response, max_size: int) -> tuple[TextResponse, None] | tuple[object, str]:
    """The sitemap as a text response (a gzipped body decompressed, at most `max_size` bytes), or the response as
    it came and the reason to skip it: `sitemap_too_large`, `bad_gzip`, `not_text`."""
    if gzip_magic_number(response):
        try:
            body = gunzip(response.body, max_size=max_size)
        except ValueError:  # scrapy's _DecompressionMaxSizeExceeded: a bomb, or a sitemap past the response cap
            return response, "sitemap_too_large"
        except (OSError, EOFError, struct.error, zlib.error):
            return response, "bad_gzip"
        return XmlResponse(response.url, status=response.status, body=body, request=response.request), None
    if isinstance(response, TextResponse):
        return response, None
    return response, "not_text"


class SitemapChildren:
    """Which child sitemaps of an index are followed, across one crawl."""

    def __init__(self, settings):
        self.max_depth = settings.getint("NEWSCRAWL_SITEMAP_MAX_DEPTH")
        self.max_children = settings.getint("NEWSCRAWL_SITEMAP_MAX_CHILDREN")
        self.followed = 0
        self.warned: set[str] = set()

    def to_follow(self, response, locations: list[str], skipped: Counter) -> list[tuple[str, int]]:
        """(url, depth) of each child sitemap to request; the www.dawn.com ones within the bounds."""
        depth = response.meta.get(SITEMAP_DEPTH, 0) + 1
        urls = [url for url in locations if web_url_problem(url) is None and urlsplit(url).netloc == SITE_HOST]
        if urls and depth > self.max_depth:
            return self._over(response, "sitemap_too_deep", urls, skipped)
        room = max(self.max_children - self.followed, 0)
        if len(urls) > room:
            self._over(response, "sitemap_limit", urls[room:], skipped)
            urls = urls[:room]
        self.followed += len(urls)
        return [(url, depth) for url in urls]

    def _over(self, response, reason: str, urls: list[str], skipped: Counter) -> list:
        skipped[reason] += len(urls)
        if reason not in self.warned:
            self.warned.add(reason)
            limit = (f"NEWSCRAWL_SITEMAP_MAX_DEPTH={self.max_depth}" if reason == "sitemap_too_deep"
                     else f"NEWSCRAWL_SITEMAP_MAX_CHILDREN={self.max_children}")
            logger.warning("Sitemap index %s: %d child sitemaps not followed (%s; counted under "
                           "skipped_entries/%s, later ones too)", response.url, len(urls), limit, reason)
        return []
