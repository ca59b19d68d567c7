"""Honour `Retry-After` on 429 and 503: pause the whole host's download slot until the time it names.

Dawn rate-limits per IP (DAWN_MARKUP.md: ~45% 429s at one request per 1.5 s). Retrying at once makes it
worse, so when the host says "come back in N seconds", nothing more goes to that host until then.
Scrapy's RetryMiddleware still decides whether to retry.

Where to act: a downloader middleware's process_response runs only after the slot has already handed
its next queued request to the downloader, so it is too late. The `response_downloaded` signal fires
before that (Scrapy sends it "before querying queue for next request"), so the pause is set there, by
giving the slot a pending wake-up call: a slot with one hands out nothing until it fires. Requests not
yet queued for the slot wait in `process_request` until the pause ends.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.utils.asyncio import call_later

from newscrawl.stats_keys import BACKOFF

logger = logging.getLogger(__name__)

BACKOFF_STATUSES = frozenset({429, 503})


# delta-seconds: ASCII digits only ("²" and "١" are digits to str.isdigit, not to HTTP); more than 10 of them
# is longer than any pause honoured anyway
_DELTA_SECONDS = re.compile(r"[0-9]{1,10}")


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds or an HTTP date. None when unusable: any header
    value whatever gives a finite, non-negative number or None, never an exception."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, OverflowError, IndexError):  # "²", an hour of 20 digits, a year 99999
        return None
    wait = when - (time.time() if now is None else now)
    return max(0.0, wait) if math.isfinite(wait) else None


class RetryAfterMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")
        self.default_wait = crawler.settings.getfloat("NEWSCRAWL_RETRY_AFTER_DEFAULT")
        self.paused_until: dict[str, float] = {}  # slot key -> monotonic time

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        # a bound method of an object Scrapy keeps: signal receivers are weak references
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def wait_seconds(self, response) -> float:
        header = response.headers.get("Retry-After")
        seconds = retry_after_seconds(header.decode("latin-1") if header else None)
        # an unusable value gets the default pause (a host that says "wait" and garbles how long still means it)
        if seconds is None:
            seconds = self.default_wait if response.status == 429 or header else 0.0
        return min(seconds, self.max_wait)

    def response_downloaded(self, response, request, spider=None):
        if response.status not in BACKOFF_STATUSES or (seconds := self.wait_seconds(response)) <= 0:
            return
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        until = time.monotonic() + seconds
        if until <= self.paused_until.get(key, 0.0):
            return
        self.paused_until[key] = until
        slot = downloader.slots.get(key)
        if slot is not None:
            if slot.latercall:
                slot.latercall.cancel()
            slot.latercall = call_later(seconds, downloader._latercall, slot)
        self.crawler.stats.inc_value(f"{BACKOFF}/{response.status}")
        logger.warning("%s answered %d: pausing requests to %s for %.1f s",
                       request.url, response.status, urlsplit(request.url).netloc, seconds)

    async def process_request(self, request):
        key = self.crawler.engine.downloader.get_slot_key(request)
        wait = self.paused_until.get(key, 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        return None
