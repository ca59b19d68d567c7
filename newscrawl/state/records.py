"""What the state stores hold and how they are read: the records, and the part both stores share.

Two stores have this interface: `newscrawl.state.sqlite.StateStore` (SQLite, one process) and
`newscrawl.state.redis.RedisStateStore` (Redis, distributed mode). `state_for(crawler)` (newscrawl/state/sqlite.py)
picks one per crawl.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newscrawl.crawl.outcomes import (  # noqa: F401 (the ledger's outcomes are part of the store's interface)
    CRAWLED, DROPPED, FAILED, FILTERED, MOVED, NOT_FOUND, NOT_TRIED, OUTCOMES, WRITTEN)
from newscrawl.extraction.text import parse_datetime
from newscrawl.urls import is_article_id

logger = logging.getLogger(__name__)

EMITTED, MISSING, REJECTED = "emitted", "missing", "rejected"



def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (a time without offset is taken as UTC), or None."""
    return parse_datetime(value, naive_as_utc=True)


def latest(*values: str | None) -> datetime | None:
    times = [t for t in map(parse_time, values) if t is not None]
    return max(times) if times else None


@dataclass(frozen=True)
class ArticleRecord:
    article_id: int
    status: str
    content_hash: str | None
    published_at: str | None
    updated_at: str | None
    version: int
    discovered_modified: str | None
    first_seen: str
    last_seen: str

    @property
    def known_change(self) -> datetime | None:
        """The latest change this store knows of: the page's own times, or what discovery showed at the last check."""
        return latest(self.published_at, self.updated_at, self.discovered_modified)


@dataclass(frozen=True)
class LedgerEntry:
    article_id: int
    claimed_day: str | None  # YYYY-MM-DD: the publication day the first dated source claimed
    published_day: str | None  # YYYY-MM-DD: the day the article's own page says (once read)
    outcome: str  # one of OUTCOMES
    reason: str | None  # why (http_500, missing_body, published_outside_range, the host moved to, ...)
    detail: str | None  # the last error's text, when there is one
    version: int  # the highest version written (0: none)
    first_known: str  # when an id was first learned of
    sources: dict  # source name -> when it first listed the id

    @property
    def day(self) -> str | None:
        """The publication day: the page's own when read, else what a source claimed."""
        return self.published_day or self.claimed_day


@dataclass(frozen=True)
class ArchivePage:
    url: str
    day: str  # YYYY-MM-DD
    outcome: str  # "crawled" or FAILED
    reason: str | None
    tried_at: str


def published_day(published_at: str | None) -> str | None:
    """The day of an ISO timestamp in its own offset (Pakistan time, as Dawn's archives date it), or None."""
    stamp = parse_datetime(published_at) if published_at else None
    return stamp.date().isoformat() if stamp is not None else None


@dataclass(frozen=True)
class TeaserRecord:
    article_id: int
    date: str | None
    updated: bool


class StoreBase:
    """The discovery side channel, the claim, and the recovery of lines written but not recorded."""

    # The Redis store records each line as it is written: that settles the line's claim, which other workers
    # may be waiting on (docs/SCALING.md). The SQLite store records lines in batches (record_items).
    records_in_batches = False

    def __init__(self):
        # article id -> latest change time discovery showed this run. Written only through note_discovered()
        # (by IncrementalMiddleware, its one writer); read through discovered_modified() by the middleware and
        # the versioning and writer pipelines, which store it with the article when it is checked, never
        # before: a kill before the check loses nothing.
        self._discovered: dict[int, str] = {}

    def note_discovered(self, article_id: int, modified: str) -> None:
        """Discovery showed the article changed at `modified`: keep the latest such time."""
        noted = self._discovered.get(article_id)
        if noted is None or parse_time(modified) > parse_time(noted):
            self._discovered[article_id] = modified

    def discovered_modified(self, article_id: int | None) -> str | None:
        return self._discovered.get(article_id)

    def claim(self, kind: str, fields: dict, output: str | Path, offset: int) -> bool:
        """May this item be written? One process holds this store (the crawl's lock), so always; the Redis store
        answers False when another worker has emitted, or is emitting, the same item."""
        return True

    def output_offset(self, output: str | Path) -> int:
        raise NotImplementedError

    def _record_lines(self, kind: str, lines: list[dict], output: Path, size: int) -> None:
        """Record these items as emitted and the file's offset as `size`, together."""
        raise NotImplementedError

    def catch_up(self, output: Path, kind: str) -> int:
        """Record the lines of `output` past its recorded offset (written, then killed before being recorded).

        Call it after the torn tail is cut. Returns the number of lines recorded.
        """
        size = output.stat().st_size if output.exists() else 0
        if size == 0 and not self._exists():
            return 0  # nothing written, nothing stored: do not create a store for nothing
        recorded_offset = offset = self.output_offset(output)
        if offset > size:
            logger.warning("%s is shorter (%d bytes) than recorded (%d): replaced or rotated; recording it from "
                           "its start", output, size, offset)
            offset = 0
        if offset == size:
            if recorded_offset != size:  # a rotated file that is empty now
                self._record_lines(kind, [], output, size)
            return 0
        with output.open("rb") as handle:
            handle.seek(offset)
            lines = handle.read(size - offset).splitlines()
        items = []
        for line in lines:
            try:
                fields = json.loads(line)
                if not is_article_id(fields.get("article_id")):  # a line no crawl of ours writes
                    raise ValueError("no article id in range")
                items.append(fields)
            except (ValueError, AttributeError):
                logger.warning("%s: an unreadable line past offset %d was not recorded", output, offset)
        self._record_lines(kind, items, output, size)
        return len(items)

    def _exists(self) -> bool:
        return True

