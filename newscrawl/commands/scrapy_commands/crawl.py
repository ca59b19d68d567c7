"""`scrapy crawl`, with an exit code that says whether the crawl did its job (Scrapy's own exits 0 even when a
crawl failed). The codes are newscrawl-cron's (newscrawl/monitoring/verdict.py, docs/CRON.md):

  2  it could not start: a bad spider argument (checked here, before the first request) or setting, a broken
     mirror; one line on stderr says which
  8  host unreachable; 9 blocked (newscrawl/downloader/host_health.py stopped it)
  3  it ended early; 4 too many errors or bans; 5 a drift alarm; 6 unseen articles listed, none written
  10 parts of the replayed WARC files could not be read (records lost to damage)
"""

from __future__ import annotations

import asyncio
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from newscrawl.state.lock import Locked
from newscrawl.monitoring.verdict import ENDED_EARLY, EXIT_CODES, LOCKED, NOT_STARTED, OK, judge


def stats_of(crawler):
    """The crawler's stats, or None when the crawl never got that far (Scrapy raises on the attribute then)."""
    try:
        return crawler.stats
    except (AttributeError, RuntimeError):
        return None


def say(message: str) -> None:
    print(f"newscrawl: {message}", file=sys.stderr, flush=True)


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider of the project; the exit code says whether the crawl did its job (docs/CRON.md)"

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            raise UsageError("one spider name, e.g. scrapy crawl dawn")
        # before the crawler process starts logging: a bad argument is one line, and nothing else
        spiders = get_spider_loader(self.settings)
        try:
            spidercls = spiders.load(args[0])
        except KeyError:
            say(f"cannot start: no spider named {args[0]!r} (this project has: {', '.join(spiders.list())})")
            sys.exit(NOT_STARTED)
        try:
            self.check_before_start(spidercls, opts.spargs)
        except ValueError as exc:  # BadArgument, MirrorError, ArchiveError: the user's to fix
            say(f"cannot start: {exc}")
            sys.exit(NOT_STARTED)

    def run(self, args, opts) -> None:
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        failures: list[BaseException] = []
        self.collect_failure(started, failures)
        self.crawler_process.start()
        stats = stats_of(crawler)
        if failures or self.crawler_process.bootstrap_failed or stats is None:
            # the engine opened the spider (Scrapy's CoreStats records its start): it failed on the way, not at start
            started_crawling = stats is not None and stats.get_value("start_time") is not None
            self.exitcode = ENDED_EARLY if started_crawling else NOT_STARTED
            if failures and isinstance(failures[0], Locked):
                self.exitcode = LOCKED  # another crawl holds this state store's lock (newscrawl/state/lock.py)
            reason = failures[0] if failures else "the crawler did not start"
            say(f"{'the crawl failed' if started_crawling else 'cannot start'}: {reason}")
            return
        self.exitcode, _ = judge(stats.get_stats(), crawler.settings)
        if self.exitcode != OK:
            say(f"exit {self.exitcode}: {EXIT_CODES[self.exitcode]}")

    def check_before_start(self, spidercls, spider_args: dict) -> None:
        """What can be known wrong before a request is sent: the spider's arguments, the mirror or archives."""
        if parse_arguments := getattr(spidercls, "parse_arguments", None):
            arguments = parse_arguments(spider_args)
            if getattr(arguments, "from_archive", False) and not self.settings.get("NEWSCRAWL_REPLAY"):
                raise ValueError("-a from_archive=1 needs -s NEWSCRAWL_REPLAY=WARC files, globs or directories")
        from newscrawl.downloader.offline import offline_source

        offline_source(self.settings)  # MirrorError, ArchiveError; an archive is indexed here, once per process
        self.claim_worker_name()
        from newscrawl.crawl.article_reader import extract_processes

        extract_processes(self.settings)  # ValueError on a bad NEWSCRAWL_EXTRACT_PROCESSES

    def claim_worker_name(self) -> None:
        """Distributed mode: NameInUse (a ValueError: exit 2, one line) when a live worker holds NEWSCRAWL_WORKER;
        a dead one's name is taken once its heartbeat is stale, after its pending claims are settled."""
        from newscrawl.distributed.mode import (FrontierKeys, claim_worker_name, is_distributed, redis_client,
                                                worker_name)
        from newscrawl.state.redis import RedisStateStore

        settings = self.settings
        if not is_distributed(settings):
            return

        def settle_claims_of_the_dead_worker():
            store = RedisStateStore(redis_client(settings), worker_name(settings), FrontierKeys(settings),
                                    settings.getfloat("NEWSCRAWL_LEASE_SECONDS"))
            store.settle_own_claims()
            store.close()

        import redis

        try:
            claim_worker_name(settings, notify=say, before_claim=settle_claims_of_the_dead_worker)
        except redis.RedisError as exc:  # after NEWSCRAWL_REDIS_WAIT seconds of trying
            raise ValueError(f"cannot reach Redis (NEWSCRAWL_REDIS_URL): {exc}") from None

    @staticmethod
    def collect_failure(started, failures: list) -> None:
        """Keep a start-up failure for the one-line message, instead of asyncio's "Task exception was never
        retrieved" with a traceback (or Twisted's unhandled error in a Deferred)."""
        if isinstance(started, asyncio.Future):
            started.add_done_callback(
                lambda task: task.cancelled() or (task.exception() and failures.append(task.exception())))
        else:
            started.addErrback(lambda failure: failures.append(failure.value))
