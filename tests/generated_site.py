"""A generated Dawn-like site served by a real HTTP server on 127.0.0.1, for the distributed tests and bench.

`SiteServer(articles=N, latency=S)`: N article pages (`/news/<id>/<slug>`, in Dawn's story markup, reduced to
what the parser reads), listing pages of 100 links each (`/gen/listing/<n>`; every article is linked from two
listings under two slugs, so the shared dupefilter has work), robots.txt. Each answer waits `latency` seconds
(the host's own slowness, fixed). The server's log (`hits`: path, article id, monotonic time, client port) is
the evidence: which article ids were requested how often, and at what rate.

The crawl reaches it through `LocalSiteHandler` (NEWSCRAWL_LIVE_DOWNLOAD_HANDLER): Scrapy's HTTP/1.1 handler
sending https://www.dawn.com/... requests to http://127.0.0.1:<NEWSCRAWL_TEST_SITE_PORT>/... and handing the
response back under the www.dawn.com URL, so the spider, the budget and the pipelines see the real host.
"""

from __future__ import annotations

import http.server
import re
import threading
import time
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

FIRST_ID = 1_900_000
LINKS_PER_LISTING = 100
ARTICLE = """<!DOCTYPE html><html><head><title>{title} - Pakistan - DAWN.COM</title>
<link rel="canonical" href="https://www.dawn.com/news/{id}"></head><body>
<article class="story"><h2 class="story__title">{title}</h2>
<span class="story__byline"><a class="story__byline__link" href="/authors/1/reporter">Staff Reporter</a></span>
<span class="story__time"><span class="timestamp--label">Published</span> <span class="timestamp--time timeago" title="2025-06-19T10:{mm:02d}:00+05:00"><span class="timestamp__calendar">19 Jun, 2025</span></span></span>
<figure class="media"><div class="media__item"><img src="https://i.dawn.com/primary/2025/06/gen{id}.jpg"></div><figcaption class="media__caption">Picture {id}</figcaption></figure>
<div class="story__content"><p>KARACHI: Generated story number {id} says one thing.</p><p>It says {id} a second time.</p></div>
</article>
<aside><div class="widget widget--editorial"><h3 class="badge">Editorial</h3>{teasers}</div></aside></body></html>"""
# the Editorial sidebar (Dawn's markup, as in fixtures/site): each page shows 3 teasers, which change every
# TEASER_RUN article ids; so new teasers turn up all through the crawl, each on ~60 neighbouring pages, which the
# workers fetch at the same time: they meet the same new teaser at once
EDITORIALS = 50
TEASER_RUN = 20
FIRST_EDITORIAL_ID = 1_880_000
TEASER = """<article class="story" data-id="{id}"><h2 class="story__title"><a href="https://www.dawn.com/news/{id}/editorial-{id}" class="story__link">Editorial {id}</a></h2>
<span class="story__time"><span class="timestamp--time timeago" title="2025-06-18T06:00:00+05:00"><span class="timestamp__calendar">18 Jun, 2025</span></span></span>
<div class="story__excerpt">What the paper thinks about {id}.</div></article>"""


def page_teaser_ids(article_id: int) -> list[int]:
    return [FIRST_EDITORIAL_ID + (article_id // TEASER_RUN + n) % EDITORIALS for n in range(3)]


def teaser_ids(count: int) -> list[int]:
    """The ids of every teaser the first `count` articles show."""
    return sorted({t for article_id in article_ids(count) for t in page_teaser_ids(article_id)})


def article_ids(count: int) -> list[int]:
    return [FIRST_ID + n for n in range(count)]


def listing_count(count: int) -> int:
    return 2 * -(-count // LINKS_PER_LISTING)


def listing_urls(count: int) -> list[str]:
    return [f"https://www.dawn.com/gen/listing/{n}" for n in range(listing_count(count))]


def expected_title(article_id: int) -> str:
    return f"Generated story {article_id}"


class SiteServer:
    def __init__(self, articles: int, latency: float, rate_limited: int | None = None, retry_after: int = 3):
        """`rate_limited`: an article id whose first request answers 429 with `Retry-After: <retry_after>`."""
        self.count, self.latency = articles, latency
        self.rate_limited, self.retry_after = rate_limited, retry_after
        self.hits: list[tuple[str, int | None, float, int]] = []
        self.lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                arrived = time.monotonic()  # the rate is measured on arrivals, before the fixed latency
                with site.lock:
                    site.hits.append((self.path, site.article_id(self.path), arrived, self.client_address[1]))
                time.sleep(site.latency)
                status, body = site.answer(self.path)
                limited = site.article_id(self.path) == site.rate_limited and site.article_requests().count(site.rate_limited) == 1
                if limited:
                    status, body = 429, b"slow down"
                self.send_response(status)
                if limited:
                    self.send_header("Retry-After", str(site.retry_after))
                self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def article_id(path: str) -> int | None:
        match = re.match(r"^/news/(\d+)", path)
        return int(match.group(1)) if match else None

    def answer(self, path: str) -> tuple[int, bytes]:
        ids = article_ids(self.count)
        if path == "/robots.txt":
            return 200, b"User-agent: *\nAllow: /\n"
        if (match := re.match(r"^/gen/listing/(\d+)$", path)) and int(match.group(1)) < listing_count(self.count):
            n = int(match.group(1))
            half = listing_count(self.count) // 2
            chunk = ids[(n % half) * LINKS_PER_LISTING:(n % half + 1) * LINKS_PER_LISTING]
            slug = "first-slug" if n < half else "other-slug?utm_source=listing"
            links = "".join(f'<li><a href="/news/{i}/{slug}">Story {i}</a></li>' for i in chunk)
            return 200, f"<html><body><ul>{links}</ul></body></html>".encode()
        article_id = self.article_id(path)
        if article_id is not None and article_id in set(ids):
            teasers = "".join(TEASER.format(id=teaser) for teaser in page_teaser_ids(article_id))
            page = ARTICLE.format(id=article_id, title=expected_title(article_id), mm=article_id % 60, teasers=teasers)
            return 200, page.encode()
        return 404, b"<html><body>not found</body></html>"

    def article_requests(self) -> list[int]:
        with self.lock:
            return [article_id for _, article_id, _, _ in self.hits if article_id is not None]

    def peak_rate(self, window: float = 10.0) -> float:
        """The most requests the server answered in any `window` seconds, per second."""
        with self.lock:
            times = sorted(t for _, _, t, _ in self.hits)
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] > window:
                start += 1
            best = max(best, end - start + 1)
        return best / window


def local_site_settings(port: int) -> dict:
    """The settings that send a crawl's www.dawn.com requests to a local server on `port` (LocalSiteHandler)."""
    return {"NEWSCRAWL_LIVE_DOWNLOAD_HANDLER": "tests.generated_site.LocalSiteHandler", "NEWSCRAWL_TEST_SITE_PORT": port}


class LocalSiteHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, sending www.dawn.com requests to the generated site on 127.0.0.1."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.port = crawler.settings.getint("NEWSCRAWL_TEST_SITE_PORT")

    async def download_request(self, request):
        parts = urlsplit(request.url)
        local = request.replace(url=parts._replace(scheme="http", netloc=f"127.0.0.1:{self.port}").geturl())
        response = await super().download_request(local)
        return response.replace(url=request.url, request=request)
