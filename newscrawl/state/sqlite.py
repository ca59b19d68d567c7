"""What earlier crawls saw, kept in SQLite (setting NEWSCRAWL_STATE; empty turns it off).

Per article: status ("emitted"; "missing" after a 404/410; "rejected" when the Validate pipeline dropped it),
content hash, published and updated times, version, the latest change time discovery showed when the page was
last checked, first and last seen (fetched) times. Per teaser: date and updated flag. Per output file: the
byte offset up to which its lines are recorded here. And the ledger: every article id learned of from any
source, with its outcome (newscrawl/state/ledger_sqlite.py).

The JSON-lines writer records an item in the same transaction that moves its file's offset past the item's
line, so "recorded" and "in the file" never disagree: a line written but not yet recorded when the crawl was
killed lies past the offset, and `catch_up` records it on the next start. The connection opens lazily, so a
crawl that never needs the store (a test spider yielding dicts) creates no file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from newscrawl.clock import utc_now
from newscrawl.state.ledger_sqlite import SqliteLedger, migrate
from newscrawl.state.records import (  # noqa: F401 (the records are part of this module's interface)
    EMITTED, MISSING, REJECTED, ArticleRecord, StoreBase, TeaserRecord, latest, parse_time)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    content_hash TEXT,
    published_at TEXT,
    updated_at TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    discovered_modified TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS teasers (
    article_id INTEGER PRIMARY KEY,
    date TEXT,
    updated INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY,
    offset INTEGER NOT NULL
);
"""

class StateStore(SqliteLedger, StoreBase):
    """The single-process store. newscrawl/state/redis.py has the same interface over Redis (distributed mode)."""

    records_in_batches = True  # the JSON-lines writer may record many lines in one transaction (record_items)

    def __init__(self, path: str | Path, now=utc_now):
        self.path = Path(path)
        self.now = now
        self._db: sqlite3.Connection | None = None
        super().__init__()
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            # WAL: readers never block the writer; NORMAL sync may lose the last commits on power loss, which
            # only leaves lines past the recorded offset, and catch_up records those on the next start
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            migrate(self._db)  # the ledger's tables (newscrawl/state/ledger_sqlite.py); older files gain them here
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # ---- reading -----------------------------------------------------------------------------------
    def article(self, article_id: int) -> ArticleRecord | None:
        row = self.db.execute("SELECT * FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        return ArticleRecord(*row) if row else None

    def teaser(self, article_id: int) -> TeaserRecord | None:
        row = self.db.execute("SELECT article_id, date, updated FROM teasers WHERE article_id = ?",
                              (article_id,)).fetchone()
        return TeaserRecord(row[0], row[1], bool(row[2])) if row else None

    def emitted_article_ids(self) -> set[int]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM articles WHERE status = ?", (EMITTED,))}

    def teaser_ids(self) -> set[int]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM teasers")}

    def output_offset(self, output: str | Path) -> int:
        row = self.db.execute("SELECT offset FROM outputs WHERE path = ?", (_key(output),)).fetchone()
        return row[0] if row else 0

    # ---- writing -----------------------------------------------------------------------------------
    def record_items(self, items: list[tuple[str, dict, str | None]], offsets: dict) -> None:
        """Record emitted items (kind, fields, discovered_modified) and, in the same transaction, the offsets
        their output files now end at ({output: offset})."""
        with self.db:  # one transaction: commit on success, rollback on error
            for kind, fields, discovered_modified in items:
                self._upsert(kind, fields, discovered_modified)
            for output, offset in offsets.items():
                self._set_offset(output, offset)

    def touch_article(self, article_id: int, discovered_modified: str | None = None) -> None:
        """An emitted article was checked again and found unchanged."""
        with self.db:
            self.db.execute("UPDATE articles SET last_seen = ?, discovered_modified = COALESCE(?, discovered_modified)"
                            " WHERE article_id = ?", (self.now(), discovered_modified, article_id))

    def touch_teaser(self, article_id: int) -> None:
        with self.db:
            self.db.execute("UPDATE teasers SET last_seen = ? WHERE article_id = ?", (self.now(), article_id))

    def mark_unavailable(self, article_id: int, status: str, discovered_modified: str | None = None) -> None:
        """A page that answered 404/410 (MISSING) or whose item was dropped (REJECTED); an emitted article keeps
        its record (a page that disappears later is not "unseen")."""
        now = self.now()
        with self.db:
            self.db.execute(
                "INSERT INTO articles (article_id, status, discovered_modified, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET"
                " status = CASE WHEN status = 'emitted' THEN status ELSE excluded.status END,"
                " discovered_modified = COALESCE(excluded.discovered_modified, discovered_modified),"
                " last_seen = excluded.last_seen",
                (article_id, status, discovered_modified, now, now))

    def _exists(self) -> bool:
        return self._db is not None or self.path.exists()

    def _record_lines(self, kind: str, lines: list[dict], output: Path, size: int) -> None:
        self.record_items([(kind, fields, None) for fields in lines], {output: size})

    def _upsert(self, kind: str, fields: dict, discovered_modified: str | None) -> None:
        now = self.now()
        if kind == "Article":
            self.db.execute(
                "INSERT INTO articles (article_id, status, content_hash, published_at, updated_at, version,"
                " discovered_modified, first_seen, last_seen) VALUES (?, 'emitted', ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(article_id) DO UPDATE SET status = 'emitted', content_hash = excluded.content_hash,"
                " published_at = excluded.published_at, updated_at = excluded.updated_at,"
                " version = MAX(version, excluded.version),"
                " discovered_modified = COALESCE(excluded.discovered_modified, discovered_modified),"
                " last_seen = excluded.last_seen",
                (fields["article_id"], fields.get("content_hash"), fields.get("published_at"), fields.get("updated_at"),
                 int(fields.get("version") or 1), discovered_modified, now, now))
            self._ledger_written(fields)  # the ledger says written in the same transaction as the line's record
        elif kind == "EditorialTeaser":
            self.db.execute(
                "INSERT INTO teasers (article_id, date, updated, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(article_id) DO UPDATE SET date = excluded.date, updated = excluded.updated,"
                " last_seen = excluded.last_seen",
                (fields["article_id"], fields.get("date"), int(bool(fields.get("updated"))), now, now))
        else:
            raise ValueError(f"no state is kept for {kind} items")

    def _set_offset(self, output: str | Path, offset: int) -> None:
        self.db.execute("INSERT INTO outputs (path, offset) VALUES (?, ?)"
                        " ON CONFLICT(path) DO UPDATE SET offset = excluded.offset", (_key(output), offset))


def _key(output: str | Path) -> str:
    return os.path.abspath(output)


def state_for(crawler) -> StateStore | None:
    """The crawl's one store, shared by the incremental middleware and the pipelines; None when turned off.
    In distributed mode (NEWSCRAWL_REDIS_URL) it is the Redis store, whatever NEWSCRAWL_STATE says."""
    if not hasattr(crawler, "newscrawl_state"):
        path = crawler.settings.get("NEWSCRAWL_STATE")
        if crawler.settings.get("NEWSCRAWL_REDIS_URL"):
            from newscrawl.state.redis import RedisStateStore  # the store keeps no Redis import for the single process

            crawler.newscrawl_state = RedisStateStore.from_crawler(crawler)
        else:
            crawler.newscrawl_state = StateStore(path) if path else None
        if crawler.newscrawl_state is not None:
            from scrapy import signals  # here, so the store itself stays free of Scrapy

            # a bound method: the store, held by the crawler, keeps it alive (receivers are weak references)
            crawler.signals.connect(crawler.newscrawl_state.close, signal=signals.engine_stopped)
    return crawler.newscrawl_state
