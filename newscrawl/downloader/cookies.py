"""Downloader middleware: cookies, when a crawl turns them on (COOKIES_ENABLED; off by default), bounded and offline.

Scrapy's CookiesMiddleware keeps every cookie a host sets and sends them all back: one response with 3,000
Set-Cookie headers made every later request carry a 155 KB Cookie header (a server with a 16 KB header limit then
refuses every article). And it asks tldextract whether a cookie's domain is a public suffix, with tldextract's
default of downloading the Public Suffix List from the internet on first use: a crawl must reach no host it was not
told to. Here, in its place:
- only the first NEWSCRAWL_COOKIES_MAX cookies of a response are kept (the rest counted under
  `newscrawl/cookies/discarded/too_many`);
- a Cookie header longer than NEWSCRAWL_COOKIE_HEADER_MAX_BYTES is not sent (`.../too_long`);
- the public-suffix check reads the suffix list bundled with tldextract, never the network, never a cache.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.utils.httpobj import urlparse_cached
from tldextract import TLDExtract

from newscrawl.stats_keys import COOKIES_DISCARDED

logger = logging.getLogger(__name__)

# the snapshot bundled with tldextract: no download, no cache directory
_OFFLINE_SUFFIXES = TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True,
                               include_psl_private_domains=True)


def is_public_suffix(domain: str) -> bool:
    return not _OFFLINE_SUFFIXES(domain).domain


class BoundedCookiesMiddleware(CookiesMiddleware):
    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.max_cookies = crawler.settings.getint("NEWSCRAWL_COOKIES_MAX")
        middleware.max_header_bytes = crawler.settings.getint("NEWSCRAWL_COOKIE_HEADER_MAX_BYTES")
        return middleware

    def _process_cookies(self, cookies, *, jar, request) -> None:
        """Scrapy's, with the public-suffix check read from the bundled list."""
        hostname = (urlparse_cached(request).hostname or "").lower()
        for cookie in cookies:
            domain = cookie.domain.removeprefix(".")
            if domain and is_public_suffix(domain):
                if domain != hostname:
                    continue
                cookie.domain = hostname
            jar.set_cookie_if_ok(cookie, request)

    def process_request(self, request, spider=None):
        super().process_request(request)
        header = request.headers.get("Cookie") or b""
        if len(header) > self.max_header_bytes:
            request.headers.pop("Cookie", None)
            self.crawler.stats.inc_value(f"{COOKIES_DISCARDED}/too_long")
            logger.warning("Not sending a Cookie header of %d bytes to %s (> NEWSCRAWL_COOKIE_HEADER_MAX_BYTES)",
                           len(header), request.url)
        return None

    def process_response(self, request, response, spider=None):
        if request.meta.get("dont_merge_cookies", False):
            return response
        jar = self.jars[request.meta.get("cookiejar")]
        cookies = jar.make_cookies(response, request)
        if len(cookies) > self.max_cookies:
            self.crawler.stats.inc_value(f"{COOKIES_DISCARDED}/too_many", len(cookies) - self.max_cookies)
            cookies = cookies[: self.max_cookies]
        self._process_cookies(cookies, jar=jar, request=request)
        return response
