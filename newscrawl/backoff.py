"""Honour `Retry-After` on 429 and 503: pause every request to that host until the time it names.

Dawn rate-limits per IP (DAWN_MARKUP.md: ~45% 429s at one request per 1.5 s). Retrying at once makes it
worse, so when the host says "come back in N seconds", the whole host waits, not just the one request.
Scrapy's RetryMiddleware still decides whether to retry; this middleware sits nearer the downloader
(priority 560 > 550), sees the response first, and holds later requests for that host in
`process_request` (which runs before the request takes a download slot).
"""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

BACKOFF_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds or an HTTP date. None when unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class RetryAfterMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")
        self.default_wait = crawler.settings.getfloat("NEWSCRAWL_RETRY_AFTER_DEFAULT")
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        host = urlsplit(request.url).netloc
        wait = self.paused_until.get(host, 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        return None

    def process_response(self, request, response):
        if response.status not in BACKOFF_STATUSES:
            return response
        header = response.headers.get("Retry-After")
        seconds = retry_after_seconds(header.decode("latin-1") if header else None)
        if seconds is None:
            seconds = self.default_wait if response.status == 429 else 0.0
        seconds = min(seconds, self.max_wait)
        if seconds > 0:
            host = urlsplit(request.url).netloc
            self.paused_until[host] = max(self.paused_until.get(host, 0.0), time.monotonic() + seconds)
            self.crawler.stats.inc_value(f"newscrawl/backoff/{response.status}")
            logger.warning("%s answered %d: pausing requests to %s for %.1f s", request.url, response.status,
                           host, seconds)
        return response
