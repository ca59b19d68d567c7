"""A polite, blocking HTTP client for Common Crawl's two servers (one instance per server).

Why not Scrapy's downloader: the index must be read, page after page, before any article request exists; Common
Crawl wants its own pace (>= 1 s between index requests, ~0.5 s between record requests) and a back-off up to a
minute on 429/5xx that Scrapy's per-slot delay and RetryMiddleware do not give; and index pages are not Dawn pages
to be recorded in the WARC archive. Calls run in a thread (asyncio.to_thread), so the reactor never blocks.

Back-off: after a refusal (429, 500, 502, 503, 504, 509) or a connection error the next request to that server,
whichever it is, waits twice the gap, then twice as long after each refusal in a row, up to NEWSCRAWL_CC_MAX_BACKOFF
(60 s); the first answer ends the back-off. After NEWSCRAWL_CC_MAX_ATTEMPTS refusals in a row the client gives up
for good: every request, then and later, raises CommonCrawlRefused, one line naming the server, the last URL and
the last answer.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

REFUSALS = frozenset({429, 500, 502, 503, 504, 509})
USER_AGENT = "newscrawl-backfill (+https://github.com/newscrawl; polite: >= 1 s per index request)"


class CommonCrawlRefused(RuntimeError):
    """Common Crawl kept refusing (or could not be reached) after every attempt: the backfill cannot go on."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class PoliteClient:
    def __init__(self, name: str, gap: float, max_backoff: float = 60.0, max_attempts: int = 8,
                 timeout: float = 60.0, sleep=time.sleep, clock=time.monotonic):
        self.name = name  # "index" or "data": for messages and stats
        self.gap = gap
        self.max_backoff = max_backoff
        self.max_attempts = max(1, max_attempts)
        self.timeout = timeout
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()  # one request at a time per server, the gap kept between their starts
        self._last_start = float("-inf")
        self.refused_in_row = 0
        self.gave_up: CommonCrawlRefused | None = None
        self.backoff = 0.0  # the wait after a refusal, on top of the gap: doubles with each refusal in a row
        self.requests = 0
        self.refusals: dict[str, int] = {}  # reason -> count, for the stats
        self.waited = 0.0
        # no proxy from the environment: the settings name the servers (a proxy can be one of them)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def get(self, url: str, headers: dict[str, str] | None = None) -> Answer:
        """The server's answer (any status but a refusal), after as many polite attempts as it takes."""
        while True:
            if self.gave_up is not None:
                raise self.gave_up  # refused before: this request is not sent at all
            answer, reason = self._attempt(url, headers or {})
            if reason is None:
                return answer

    def _give_up_after(self, url: str, reason: str) -> None:
        """Count a refusal; after max_attempts in a row (whichever requests they were), give up for good."""
        self.refused_in_row += 1
        if self.refused_in_row >= self.max_attempts and self.gave_up is None:
            self.gave_up = CommonCrawlRefused(
                f"Common Crawl's {self.name} server kept refusing: {self.max_attempts} attempts in a row, the last "
                f"at {url}, the last answered {reason}")

    def _attempt(self, url: str, headers: dict[str, str]) -> tuple[Answer | None, str | None]:
        with self._lock:
            if self.gave_up is not None:
                return None, "given up"
            due = self._last_start + max(self.gap, self.backoff)
            if (pause := due - self._clock()) > 0:
                self.waited += pause
                self._sleep(pause)
            self._last_start = self._clock()
            self.requests += 1
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
            answer, reason = self._send(request)
            # the server's state, not one request's: every request to it slows down, and an answer ends the back-off
            self.backoff = 0.0 if reason is None else min(self.max_backoff, max(2 * self.gap, 2 * self.backoff))
            if reason is None:
                self.refused_in_row = 0
            else:
                self._give_up_after(url, reason)
        if reason is not None:
            self.refusals[reason] = self.refusals.get(reason, 0) + 1
            return None, reason
        return answer, None

    def _send(self, request) -> tuple[Answer | None, str | None]:
        """The answer, and the reason it is a refusal (None when it is not)."""
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                answer = Answer(response.status, dict(response.headers.items()), response.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, dict(error.headers.items()), error.read())
        except (OSError, urllib.error.URLError) as error:  # refused, reset, timed out, cut short
            return None, f"connection error ({type(error).__name__})"
        return answer, f"http_{answer.status}" if answer.status in REFUSALS else None
