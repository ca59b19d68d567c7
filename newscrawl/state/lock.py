"""One crawl at a time per output directory and state store: the lock that `newscrawl-cron` and a plain
`scrapy crawl dawn` both take.

Two crawls on one state store interleave their records and offsets; two on one output directory interleave
their lines. Each takes an exclusive, non-blocking flock on `<NEWSCRAWL_OUTPUT_DIR>/.newscrawl-cron.lock` and
`<NEWSCRAWL_STATE>.lock`; the second one stops before its first request. `newscrawl-cron` takes the locks and
then runs `scrapy crawl` as its child, telling it so in the environment (LOCKS_HELD_ENV = the cron's pid), so
the child does not wait for its own parent.
"""

from __future__ import annotations

import fcntl
import logging
import os
from contextlib import ExitStack
from pathlib import Path

from scrapy import signals

from newscrawl.distributed.mode import is_distributed, worker_file
from newscrawl.clock import utc_now

logger = logging.getLogger(__name__)

LOCKS_HELD_ENV = "NEWSCRAWL_LOCKS_HELD_BY"


class Locked(Exception):
    pass


def take_lock(path: Path):
    """An exclusive, non-blocking flock on `path` (created if needed); the open file holds it until closed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise Locked(f"{path} is held{f' by {holder}' if holder else ''}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} since {utc_now()}\n")
    handle.flush()
    return handle


def lock_paths(settings) -> list[Path]:
    """One lock beside the output files and one beside the state store: two runs share neither. A distributed
    crawl's workers share the store by design (in Redis): each locks only its own files in the output directory."""
    paths = [Path(settings.get("NEWSCRAWL_OUTPUT_DIR")) / worker_file(settings, ".newscrawl-cron.lock")]
    if (state := settings.get("NEWSCRAWL_STATE")) and not is_distributed(settings):
        paths.append(Path(f"{state}.lock"))
    return paths


def take_locks(settings) -> ExitStack:
    """Every lock of `lock_paths`, held until the returned stack is closed; Locked when one is taken."""
    held = ExitStack()
    try:
        for path in lock_paths(settings):
            held.enter_context(take_lock(path))
    except BaseException:
        held.close()
        raise
    return held


def locks_held_by_parent() -> bool:
    """This process is the crawl that newscrawl-cron started after taking the locks."""
    return os.environ.get(LOCKS_HELD_ENV) == str(os.getppid())


class CrawlLock:
    """Extension: a plain `scrapy crawl` takes the same locks as newscrawl-cron, before its first request.

    Raising in from_crawler stops the crawl before the engine starts: nothing is requested, nothing written.
    """

    def __init__(self, crawler):
        self.held = ExitStack() if locks_held_by_parent() else take_locks(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        try:
            extension = cls(crawler)
        except Locked as exc:
            logger.error("Another crawl is running (%s): not starting", exc)
            raise
        # a bound method, kept alive by the extension Scrapy holds (signal receivers are weak references)
        crawler.signals.connect(extension.release, signal=signals.engine_stopped)
        return extension

    def release(self) -> None:
        self.held.close()
