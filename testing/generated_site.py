"""A generated Dawn-like site served by a real HTTP server on 127.0.0.1, for the distributed tests and bench.

`SiteServer(articles=N, latency=S)`: N article pages (`/news/<id>/<slug>`, in Dawn's story markup, reduced to
what the parser reads), listing pages of 100 links each (`/gen/listing/<n>`; every article is linked from two
listings under two slugs, so the shared dupefilter has work), robots.txt. Each answer waits `latency` seconds
(the host's own slowness, fixed). The server's log (`hits`: path, article id, monotonic time, client port) is
the evidence: which article ids were requested how often, and at what rate.

It is testing.local_site's server with generated pages instead of a mirror; the crawl reaches it through that
module's `LocalSiteHandler` (`local_site_settings(site.port)`), so the spider, the budget and the pipelines see
the real host.
"""

from __future__ import annotations

import re
import time

# the crawls of the generated site go through these; importable from here as before the move
from testing.local_site import LocalSite, LocalSiteHandler, local_site_settings  # noqa: F401

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


class SiteServer(LocalSite):
    """The local site (testing.local_site) answering generated pages; `hits` logs (path, article id, arrival time
    on the monotonic clock, client port) for each request."""

    def __init__(self, articles: int, latency: float, rate_limited: int | None = None, retry_after: int = 3):
        """`rate_limited`: an article id whose first request answers 429 with `Retry-After: <retry_after>`."""
        super().__init__(directory=None, delay=latency)
        self.count, self.latency = articles, latency
        self.rate_limited, self.retry_after = rate_limited, retry_after
        self.hits: list[tuple[str, int | None, float, int]] = []

    def arrived(self, path: str, client_port: int) -> None:
        arrived = time.monotonic()  # the rate is measured on arrivals, before the fixed latency
        super().arrived(path, client_port)
        with self.lock:
            self.hits.append((path, self.article_id(path), arrived, client_port))

    def page(self, path: str) -> tuple[int, dict, bytes]:
        status, body = self.answer(path)
        return status, {"Content-Type": "text/plain" if path == "/robots.txt" else "text/html; charset=utf-8"}, body

    def fault(self, path: str) -> str:
        if self.article_id(path) == self.rate_limited and self.article_requests().count(self.rate_limited) == 1:
            return "rate_limited"
        return "whole"

    def fault_answer(self, kind: str) -> tuple[int, dict, bytes]:
        return 429, {"Retry-After": str(self.retry_after), "Content-Type": "text/plain"}, b"slow down"

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
