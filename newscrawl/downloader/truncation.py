"""Downloader middleware: an HTML page cut short is retried, and never parsed as if it were whole.

Scrapy fails a response whose body falls short of its Content-Length or whose chunked encoding breaks
(DOWNLOAD_FAIL_ON_DATALOSS), and RetryMiddleware retries it. A response without Content-Length that ends when
the connection closes is accepted by Scrapy with the flag "partial": a dropped connection looks just like the
end of the page. Here, every 200 HTML response must show the end of its document (`</html>`, which every Dawn
page and every page a browser serialises has); one that does not is retried like a failed download (RETRY_TIMES)
and, when every try came back short, dropped and counted under `newscrawl/dropped/truncated`. Nothing about it is
recorded in the state store, so the next crawl tries it again at once, not after NEWSCRAWL_RECHECK_HOURS.

The end is looked for in the page's own encoding (newscrawl/downloader/encoding.py sets it before this check): in
UTF-16 or UTF-32, `</html>` is not the ASCII bytes, and a whole UTF-16 page would be dropped as cut short.
"""

from __future__ import annotations

import codecs
import logging
import re

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse

from newscrawl.stats_keys import DROPPED, TRUNCATED

logger = logging.getLogger(__name__)

DROP_STAT = f"{DROPPED}/truncated"
STAT = TRUNCATED
# the end of the document, searched in the last bytes only (a page may carry comments or whitespace after it)
_DOCUMENT_END = re.compile(rb"</html\s*>", re.IGNORECASE)
_DOCUMENT_END_TEXT = re.compile(r"</html\s*>", re.IGNORECASE)
_TAIL_BYTES = 64 * 1024
# encodings in which ASCII is not one byte per character: the tail is decoded before it is searched
_WIDE_UNITS = {"utf-16": 2, "utf-16-le": 2, "utf-16-be": 2, "utf-32": 4, "utf-32-le": 4, "utf-32-be": 4}


class TruncatedPage(IgnoreRequest):
    """Every try of a page came back cut short: counted and logged here, so the spider's errback skips it."""


def truncation(response) -> str | None:
    """Why a response is not a whole page ("no_document_end", "partial_no_document_end"), or None."""
    if not isinstance(response, HtmlResponse) or response.status != 200:
        return None
    if shows_document_end(response):
        return None
    return "partial_no_document_end" if {"partial", "dataloss"} & set(response.flags) else "no_document_end"


def shows_document_end(response) -> bool:
    """Whether the last bytes of the page hold `</html>`, read in the page's encoding."""
    body = response.body
    unit = _WIDE_UNITS.get(codecs.lookup(response.encoding).name)
    if unit is None:  # ASCII-compatible: the bytes themselves
        return _DOCUMENT_END.search(body[-_TAIL_BYTES:]) is not None
    start = max(0, len(body) - _TAIL_BYTES)
    start -= start % unit  # on a character boundary counted from the start (a BOM included)
    return _DOCUMENT_END_TEXT.search(body[start:].decode(response.encoding, errors="replace")) is not None


class TruncationMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        reason = truncation(response)
        if reason is None:
            return response
        self.stats.inc_value(f"{STAT}/{reason}")
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"truncated_{reason}")
        if retry is not None:
            return retry
        self.stats.inc_value(DROP_STAT)
        logger.warning("Dropped %s: every download of it came back cut short (%d bytes, %s) [truncated]",
                       request.url, len(response.body), reason)
        raise TruncatedPage(f"{request.url}: truncated ({reason})")
