"""Where a backfill's progress is kept: a small SQLite file, NEWSCRAWL_CC_DIR/progress.sqlite.

- `index_pages`: each (query, page) of the CDX index already read (the query: crawl id and `from`); its captures were written in the same
  transaction, so a killed backfill reads no page twice and loses none; page -1 holds the crawl's page count
  (showNumPages, or fewer when a page past the end answered 400; 0 for a crawl without captures);
- `captures`: every capture listed (article id, time, status, record location, digest);
- `records`: each WARC record fetched (by filename and offset) and what came of it: `stored` (in the WARC archive,
  under the URL `url`) or a reason it was not (`truncated`, `wrong_url`, ...), so no record is fetched twice.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS index_pages (query TEXT, page INTEGER, pages INTEGER, PRIMARY KEY (query, page));
CREATE TABLE IF NOT EXISTS captures (crawl TEXT, article_id INTEGER, url TEXT, timestamp TEXT, status TEXT,
    filename TEXT, offset INTEGER, length INTEGER, digest TEXT, PRIMARY KEY (filename, offset));
CREATE TABLE IF NOT EXISTS records (filename TEXT, offset INTEGER, outcome TEXT, url TEXT, article_id INTEGER,
    digest TEXT, PRIMARY KEY (filename, offset));
"""
CAPTURE_COLUMNS = ("crawl", "article_id", "url", "timestamp", "status", "filename", "offset", "length", "digest")


class Progress:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        # one connection shared by the threads that read the index and fetch records, under self.lock
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self.lock = threading.RLock()  # the connection is shared by threads: one statement at a time

    def pages_read(self, query: str) -> set[int]:
        with self.lock:
            return {row[0] for row in self.db.execute("SELECT page FROM index_pages WHERE query = ?", (query,))}

    def page_count(self, query: str) -> int | None:
        with self.lock:
            row = self.db.execute("SELECT pages FROM index_pages WHERE query = ? AND page = -1", (query,)).fetchone()
            return row[0] if row else None

    def add_page(self, query: str, page: int, pages: int, captures: list[dict]) -> None:
        """One page of the index and its captures, in one transaction."""
        with self.lock:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany(f"INSERT OR IGNORE INTO captures VALUES ({', '.join('?' * len(CAPTURE_COLUMNS))})",
                                    [tuple(c[k] for k in CAPTURE_COLUMNS) for c in captures])
                self.db.execute("INSERT OR REPLACE INTO index_pages VALUES (?, ?, ?)", (query, page, pages))

    def captures(self, crawls: list[str]) -> list[dict]:
        with self.lock:
            marks = ", ".join("?" * len(crawls))
            rows = self.db.execute(f"SELECT {', '.join(CAPTURE_COLUMNS)} FROM captures WHERE crawl IN ({marks})"
                                   " ORDER BY article_id, timestamp DESC, filename, offset", crawls)
            return [dict(zip(CAPTURE_COLUMNS, row)) for row in rows]

    def record(self, filename: str, offset: int) -> tuple[str, str | None] | None:
        """(outcome, url) of a record fetched before, or None."""
        with self.lock:
            return self.db.execute("SELECT outcome, url FROM records WHERE filename = ? AND offset = ?",
                                   (filename, offset)).fetchone()

    def fetched_digest(self, article_id: int) -> str | None:
        with self.lock:
            row = self.db.execute("SELECT digest FROM records WHERE article_id = ? AND outcome = 'stored'"
                                  " ORDER BY rowid DESC LIMIT 1", (article_id,)).fetchone()
            return row[0] if row else None

    def note_record(self, filename: str, offset: int, outcome: str, url: str | None, article_id: int | None,
                    digest: str | None) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)",
                            (filename, offset, outcome, url, article_id, digest))

    def close(self) -> None:
        self.db.close()
