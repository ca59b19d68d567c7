"""The ledger in the SQLite store (newscrawl/state/sqlite.py): every article id learned of, its sources and outcome.

Tables: `ledger` (one row per id: claimed and published day, outcome, reason, detail, version, first known),
`ledger_sources` (id, source, when it first listed the id) and `archive_pages` (each date archive page asked for:
its day and whether it was crawled or failed). "written" is set by the writer's own transaction (sqlite.py
`_upsert`), with the lines and the file offsets; the other outcomes where they happen (newscrawl/state/ledger.py).

Precedence: "written" stays (a later 404 of a written story does not unwrite it; docs/STATE.md); "filtered" (a
date range left the id out) never hides an outcome a fetch gave; otherwise the latest outcome wins.
"""

from __future__ import annotations

from newscrawl.state.records import FILTERED, NOT_TRIED, WRITTEN, ArchivePage, LedgerEntry, published_day

LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    article_id INTEGER PRIMARY KEY,
    claimed_day TEXT,
    published_day TEXT,
    outcome TEXT NOT NULL DEFAULT 'not_tried',
    reason TEXT,
    detail TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    first_known TEXT NOT NULL,
    outcome_at TEXT
);
CREATE TABLE IF NOT EXISTS ledger_sources (
    article_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (article_id, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS archive_pages (
    url TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    tried_at TEXT NOT NULL
);
"""
# PRAGMA user_version of a store with the ledger; older files (0) are migrated in place when opened
LEDGER_VERSION = 1
# A state file made before the ledger: its articles become ledger rows, their source "earlier_crawl" (unknown)
MIGRATE = """
INSERT OR IGNORE INTO ledger (article_id, published_day, outcome, reason, version, first_known, outcome_at)
SELECT article_id, substr(published_at, 1, 10),
       CASE status WHEN 'emitted' THEN 'written' WHEN 'missing' THEN 'not_found' ELSE 'dropped' END,
       CASE status WHEN 'emitted' THEN NULL WHEN 'missing' THEN 'http_404_or_410' ELSE 'rejected' END,
       CASE status WHEN 'emitted' THEN version ELSE 0 END, first_seen, last_seen
FROM articles;
INSERT OR IGNORE INTO ledger_sources (article_id, source, first_seen)
SELECT article_id, 'earlier_crawl', first_seen FROM articles;
"""
# Keep the stored outcome: "written" stays, and "filtered" does not hide what a fetch said.
_KEEP = (f"(ledger.outcome = '{WRITTEN}' AND excluded.outcome <> '{WRITTEN}') OR "
         f"(excluded.outcome = '{FILTERED}' AND ledger.outcome NOT IN ('{NOT_TRIED}', '{FILTERED}'))")
SET_OUTCOME = f"""
INSERT INTO ledger (article_id, published_day, outcome, reason, detail, version, first_known, outcome_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(article_id) DO UPDATE SET
    outcome = CASE WHEN {_KEEP} THEN ledger.outcome ELSE excluded.outcome END,
    reason = CASE WHEN {_KEEP} THEN ledger.reason ELSE excluded.reason END,
    detail = CASE WHEN {_KEEP} THEN ledger.detail ELSE excluded.detail END,
    version = MAX(ledger.version, excluded.version),
    published_day = COALESCE(excluded.published_day, ledger.published_day),
    outcome_at = excluded.outcome_at
"""


def migrate(db) -> None:
    """Create the ledger's tables; a store made before them gets its articles as ledger rows, once."""
    db.executescript(LEDGER_SCHEMA)
    if db.execute("PRAGMA user_version").fetchone()[0] < LEDGER_VERSION:
        with db:
            db.executescript(MIGRATE)
        db.execute(f"PRAGMA user_version = {LEDGER_VERSION}")


class SqliteLedger:
    """Mixed into StateStore: needs its `db` (a sqlite3 connection) and `now`."""

    def note_listed(self, links: list[tuple[int, str | None]], source: str, filtered: bool = False) -> None:
        """A source listed these (article id, claimed day or None); `filtered`: left out by the crawl's date range."""
        if not links:
            return
        now = self.now()
        with self.db:
            self.db.executemany(
                "INSERT INTO ledger (article_id, claimed_day, first_known) VALUES (?, ?, ?) ON CONFLICT(article_id)"
                " DO UPDATE SET claimed_day = COALESCE(ledger.claimed_day, excluded.claimed_day)",
                [(article_id, day, now) for article_id, day in links])
            self.db.executemany("INSERT OR IGNORE INTO ledger_sources (article_id, source, first_seen)"
                                " VALUES (?, ?, ?)", [(article_id, source, now) for article_id, _ in links])
            if filtered:
                self._set_outcomes([(article_id, FILTERED, "listed_outside_range", None, None, 0)
                                    for article_id, _ in links])

    def record_outcome(self, article_id: int, outcome: str, reason: str | None = None, detail: str | None = None,
                       published_at: str | None = None) -> None:
        with self.db:
            self._set_outcomes([(article_id, outcome, reason, detail, published_day(published_at), 0)])

    def note_archive_page(self, url: str, day: str, outcome: str, reason: str | None = None) -> None:
        with self.db:
            self.db.execute("INSERT INTO archive_pages (url, day, outcome, reason, tried_at) VALUES (?, ?, ?, ?, ?)"
                            " ON CONFLICT(url) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,"
                            " tried_at = excluded.tried_at", (url, day, outcome, reason, self.now()))

    def _set_outcomes(self, rows: list[tuple]) -> None:
        """(article_id, outcome, reason, detail, published_day, version) rows, inside the caller's transaction."""
        now = self.now()
        self.db.executemany(SET_OUTCOME, [(article_id, day, outcome, reason, detail, version, now, now)
                                          for article_id, outcome, reason, detail, day, version in rows])

    def _ledger_written(self, fields: dict) -> None:
        """The writer's transaction records an Article's line: the ledger says written, at this version."""
        self._set_outcomes([(fields["article_id"], WRITTEN, None, None, published_day(fields.get("published_at")),
                             int(fields.get("version") or 1))])

    # ---- reading (the report, the summary) ---------------------------------------------------------
    def ledger_entries(self) -> list[LedgerEntry]:
        sources: dict[int, dict] = {}
        rows = self.db.execute("SELECT article_id, source, first_seen FROM ledger_sources")
        for article_id, source, first_seen in rows:
            sources.setdefault(article_id, {})[source] = first_seen
        return [LedgerEntry(*row, sources=sources.get(row[0], {})) for row in self.db.execute(
            "SELECT article_id, claimed_day, published_day, outcome, reason, detail, version, first_known FROM ledger")]

    def ledger_entry(self, article_id: int) -> LedgerEntry | None:
        return next((e for e in self._entries_where("article_id = ?", (article_id,))), None)

    def _entries_where(self, condition: str, parameters: tuple) -> list[LedgerEntry]:
        rows = self.db.execute("SELECT article_id, claimed_day, published_day, outcome, reason, detail, version,"
                               f" first_known FROM ledger WHERE {condition}", parameters).fetchall()
        entries = []
        for row in rows:
            sources = dict(self.db.execute("SELECT source, first_seen FROM ledger_sources WHERE article_id = ?",
                                           (row[0],)).fetchall())
            entries.append(LedgerEntry(*row, sources=sources))
        return entries

    def archive_pages(self) -> list[ArchivePage]:
        return [ArchivePage(*row) for row in self.db.execute(
            "SELECT url, day, outcome, reason, tried_at FROM archive_pages ORDER BY day, url")]
