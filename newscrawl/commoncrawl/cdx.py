"""Reading one crawl's CDX index for www.dawn.com/news/*: `showNumPages`, then page=0..N-1, each page stored with
its captures in the progress file (newscrawl/commoncrawl/progress.py) before the next is asked for.

Answers as Common Crawl's server (pywb) gives them: JSON lines with string values; a 404 "No Captures found" is a
crawl without a Dawn article, not an error; a 400 past the last page ends the crawl's pages (the page count can
shrink between the count and the pages). Captures of URLs that are not articles (/news/ listings) are not kept.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import date
from urllib.parse import urlencode

from newscrawl.commoncrawl.client import PoliteClient
from newscrawl.commoncrawl.collinfo import Crawl
from newscrawl.commoncrawl.progress import Progress
from newscrawl.urls import SITE_HOST, article_id_from_url

logger = logging.getLogger(__name__)
QUERY = f"{SITE_HOST}/news/*"


class CdxAnswerError(ValueError):
    """The index answered something no CDX server answers (bad JSON, an unexpected status)."""


def index_url(crawl: Crawl, since: date, **extra) -> str:
    # from=: a capture before `since` cannot hold a story published on or after it
    query = {"url": QUERY, "output": "json", "from": since.strftime("%Y%m%d"), **extra}
    return f"{crawl.cdx_api}?{urlencode(query)}"


def read_crawl(client: PoliteClient, progress: Progress, crawl: Crawl, since: date, counts: Counter) -> None:
    """Every page of the crawl's index not read before, into the progress file. Pages are kept per query (the
    crawl and `from`): another range asks other pages."""
    query = f"{crawl.id} from={since:%Y%m%d}"
    pages = progress.page_count(query)
    if pages is None:
        answer = client.get(index_url(crawl, since, showNumPages="true"))
        if answer.status == 404:  # "No Captures found": nothing of Dawn in this crawl
            progress.add_page(query, -1, 0, [])
            counts["crawls_empty"] += 1
            return
        pages = int(_json(answer, crawl, "showNumPages")["pages"])
        progress.add_page(query, -1, pages, [])  # page -1: the count, kept so a restart does not ask again
    done = progress.pages_read(query)
    counts["index_pages_already_read"] += len(done - {-1})
    for page in range(pages):
        if page in done:
            continue
        answer = client.get(index_url(crawl, since, page=str(page)))
        if answer.status == 400 or (answer.status == 404 and page > 0):
            logger.info("%s: the index ends at page %d (of %d counted)", crawl.id, page, pages)
            progress.add_page(query, -1, page, [])  # the count as it is now: a restart stops there too
            break
        captures = [] if answer.status == 404 else parse_lines(answer, crawl, counts)
        progress.add_page(query, page, pages, captures)
        counts["index_pages_read"] += 1


def parse_lines(answer, crawl: Crawl, counts: Counter) -> list[dict]:
    if answer.status != 200:
        raise CdxAnswerError(f"{crawl.id}: the index answered HTTP {answer.status}: {answer.body[:200]!r}")
    captures = []
    for line in answer.body.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise CdxAnswerError(f"{crawl.id}: a line of the index is not JSON: {line[:200]!r}") from None
        article_id = article_id_from_url(entry.get("url", ""))
        if article_id is None:
            counts["captures_not_article"] += 1
            continue
        captures.append({"crawl": crawl.id, "article_id": article_id, "url": entry["url"],
                         "timestamp": entry["timestamp"], "status": entry.get("status", ""),
                         "filename": entry["filename"], "offset": int(entry["offset"]),
                         "length": int(entry["length"]), "digest": entry.get("digest")})
    return captures


def _json(answer, crawl: Crawl, what: str) -> dict:
    if answer.status != 200:
        raise CdxAnswerError(f"{crawl.id}: {what} answered HTTP {answer.status}: {answer.body[:200]!r}")
    try:
        return json.loads(answer.body)
    except ValueError:
        raise CdxAnswerError(f"{crawl.id}: {what} is not JSON: {answer.body[:200]!r}") from None
