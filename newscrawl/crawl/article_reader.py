"""Reading an article page: the render decision, the Article's fields and the sidebar's teasers, from its HTML.

`read_article_page` is pure (a Selector in, an ArticleReading out). `ArticleReader` runs it either in the crawl's
own process or in worker processes (NEWSCRAWL_EXTRACT_PROCESSES). A crawl that is bound by CPU (a mirror, an
archive replay, a re-extraction) then parses and extracts article pages on a second core while the first runs
Scrapy, the pipelines and the writer; a live crawl waits on the host's politeness delay, not on CPU, and reads
pages in its own process. Listings, feeds and sitemaps are always read in the crawl's process.

A worker gets the page's text and URL and sends back plain values; a parser exception there comes back as
`error` (the page is dropped and counted, as in the crawl's process), and a worker that dies is replaced.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import os
import re
import signal
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache

from newscrawl.stats_keys import EXTRACT_WORKER_PAGES, EXTRACT_WORKERS_REPLACED

# A worker is replaced after this many pages: whatever a long run fragments in its heap is given back.
PAGES_PER_WORKER = 20_000
# How often a worker checks that the crawl that started it is still there.
PARENT_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class ArticleReading:
    reasons: tuple[str, ...] = ()  # why the plain HTML is not enough (newscrawl.crawl.render_policy); () when it is
    fields: dict | None = None  # the Article's fields; None when the page needs rendering or its parser raised
    teasers: tuple[dict, ...] = ()  # the sidebar's teasers, in page order, but those in skip_ids
    teaser_ids: tuple[int, ...] = ()  # the article ids of all of the sidebar's teasers
    story_proof: str | None = None  # how the story box was proven (newscrawl.extraction.story); None: not found
    skipped: dict[str, int] = field(default_factory=dict)  # sidebar boxes left out, by reason
    left_out: dict[str, int] = field(default_factory=dict)  # body blocks left out, by kind ({"navigation": 2})
    error: str | None = None  # "ExceptionType: message" of a parser that raised in a worker
    error_type: str | None = None
    error_traceback: str | None = None


def read_article_page(selector, url: str, patterns=(), rendered: bool = False, skip_ids=()) -> ArticleReading:
    """The render decision, and unless the page needs rendering, its Article fields and teasers. Pure."""
    # imported here: newscrawl-cron and the crawl command load this module for extract_processes() alone
    from newscrawl.extraction import ParsedArticlePage
    from newscrawl.crawl.render_policy import render_reasons

    skipped: Counter = Counter()
    article = ParsedArticlePage(selector, url, skipped=skipped)
    reasons = () if rendered else tuple(render_reasons(selector, url, "article", patterns, article.page))
    if reasons:
        return ArticleReading(reasons=reasons, skipped=dict(skipped))
    # the teasers before the fields: a sidebar box that cannot be read is counted whatever the body gives
    teasers = tuple(article.sidebar.teasers(skip_ids=skip_ids))
    return ArticleReading(fields=article.article_fields(), teasers=teasers,
                          teaser_ids=tuple(article.sidebar.article_ids()), story_proof=article.story_proof,
                          skipped=dict(skipped), left_out=article.left_out())


# ---- in a worker process ------------------------------------------------------------------------------------
@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> list[re.Pattern]:
    return [re.compile(p) for p in patterns]


def _read_in_worker(html: str, url: str, patterns: tuple[str, ...], rendered: bool) -> ArticleReading:
    from parsel import Selector

    try:
        return read_article_page(Selector(text=html), url, _compiled(patterns), rendered)
    except Exception as exc:  # noqa: BLE001 - sent back to the crawl, which counts and logs it with the URL
        return ArticleReading(error=f"{type(exc).__name__}: {str(exc)[:200]}", error_type=type(exc).__name__,
                              error_traceback=traceback.format_exc())


def _start_worker(crawl_pid: int) -> None:
    # Ctrl-C and a stopping cron reach the whole process group: the crawl decides when to stop, and closes the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the crawl's pid as the crawl gave it, not os.getppid() here: a crawl killed while this worker started would
    # leave it an orphan already, and it would watch its new parent (init) for ever
    threading.Thread(target=_exit_with_parent, args=(crawl_pid,), name="newscrawl-parent-watch",
                     daemon=True).start()
    importlib.import_module("newscrawl.extraction")  # once, before the first page


def _exit_with_parent(parent: int) -> None:
    """A crawl killed outright (SIGKILL, the OOM killer) cannot close its pool, and a worker waiting for pages would
    wait forever (it holds both ends of its queue's pipe, so it never reads an end of file): it leaves once its
    parent is gone."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def extract_processes(settings) -> int:
    """NEWSCRAWL_EXTRACT_PROCESSES: a whole number (0: in the crawl's process), or "auto": one worker for an
    offline crawl (a mirror or an archive replay) on a machine of two cores or more, else none."""
    from newscrawl.downloader.offline import is_offline

    value = str(settings.get("NEWSCRAWL_EXTRACT_PROCESSES", "auto")).strip().lower()
    if value == "auto":
        return 1 if is_offline(settings) and (os.cpu_count() or 1) >= 2 else 0
    if not value.isdigit():
        raise ValueError(f"NEWSCRAWL_EXTRACT_PROCESSES must be 'auto' or a whole number, not {value!r}")
    return int(value)


class ArticleReader:
    """Reads article pages, in worker processes when `processes` > 0 (started at once, so that the first page
    does not wait for Python to start), else in the crawl's own process."""

    def __init__(self, processes: int, crawler=None):
        self.processes = processes
        self.crawler = crawler  # its stats count the pages read in workers
        self._pool: ProcessPoolExecutor | None = None
        self.workers_replaced = 0
        if processes:
            self._start()

    @classmethod
    def from_crawler(cls, crawler) -> ArticleReader:
        """The reader of a crawl (NEWSCRAWL_EXTRACT_PROCESSES), closed with it."""
        from scrapy import signals

        reader = cls(extract_processes(crawler.settings), crawler)
        crawler.signals.connect(reader.close, signal=signals.spider_closed)
        return reader

    def _start(self) -> None:
        # spawn, not fork: a child forked from a running reactor inherits its threads' locks
        self._pool = ProcessPoolExecutor(self.processes, multiprocessing.get_context("spawn"),
                                         initializer=_start_worker, initargs=(os.getpid(),),
                                         max_tasks_per_child=PAGES_PER_WORKER)
        self._pool.submit(int)  # a task, so that the pool starts its worker now

    @property
    def in_workers(self) -> bool:
        return self._pool is not None

    async def read(self, html: str, url: str, patterns: tuple[str, ...], rendered: bool) -> ArticleReading:
        """The page read by a worker. When a worker dies (a crash in lxml, the OOM killer), every page its pool
        held fails: each is tried once more on a new pool, and a page that kills that one too comes back as an
        error (it is dropped and counted; the crawl goes on)."""
        for attempt in (1, 2):
            pool = self._pool
            try:
                reading = await asyncio.wrap_future(pool.submit(_read_in_worker, html, url, patterns, rendered))
                self._count(EXTRACT_WORKER_PAGES)
                return reading
            except BrokenProcessPool as exc:
                if self._pool is pool:  # the first page to notice replaces the pool; the others use the new one
                    self._restart()
                if attempt == 2:
                    return ArticleReading(error=f"WorkerDied: {exc}", error_type="WorkerDied")
        raise AssertionError("unreachable")

    def _restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.workers_replaced += 1
        self._count(EXTRACT_WORKERS_REPLACED)
        self._start()

    def _count(self, key: str) -> None:
        if self.crawler is not None:
            self.crawler.stats.inc_value(key)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
