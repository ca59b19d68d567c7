"""Reading the crawl's lines with DuckDB, counting what cannot be exported, and choosing the rows.

Every line is read as one JSON value (`read_json(records=false, ignore_errors=true)`: a torn or garbled line reads as
NULL, so it is counted, not fatal), typed once with `json_transform` (a value of the wrong type reads as NULL, and
is counted for the fields that decide a row: id, version, day), and kept in a table of a DuckDB database on disk,
so memory is bounded by DuckDB's memory_limit however many lines there are."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb

from newscrawl.export.tables import Table

MEMORY_LIMIT = "1GB"  # DuckDB spills to its temp directory beyond this (sorts, joins, the lines table)
MAX_LINE_BYTES = 64 << 20  # longest line read: a body is at most 200,000 characters (newscrawl/items.py)
PKT = "Asia/Karachi"  # Dawn's time (UTC+05:00, no daylight saving): publication days are Pakistan-time days


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(workdir / "work.duckdb"))
    con.execute(f"SET memory_limit='{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory='{workdir / 'spill'}'")
    con.execute(f"SET TimeZone='{PKT}'")
    con.execute("SET preserve_insertion_order=false")  # row order is set by ORDER BY where it matters
    return con


def sql_list(values) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def load_lines(con, table: Table, paths: list[Path]) -> None:
    """Table `lines_<name>`: one row per line of the paths (rowid in reading order), typed, with flags and `extra`."""
    name = f"lines_{table.name}"
    structure = json.dumps(table.columns).replace("'", "''")
    typed = ", ".join(f"r.{column} AS {column}" for column in table.columns)
    con.execute(f"DROP TABLE IF EXISTS {name}")
    if not paths:
        con.execute(f"CREATE TABLE {name} AS SELECT {typed}, NULL::JSON AS extra, NULL::VARCHAR[] AS unknown, "
                    f"true AS not_json, false AS is_object, NULL::VARCHAR AS raw_item_type, NULL::BIGINT AS raw_ok "
                    f"FROM (SELECT json_transform('{{}}', '{structure}') AS r) WHERE false")
        return
    files = sql_list(str(p) for p in paths)
    known = sql_list(table.columns)
    unreadable = " + ".join(f"(json_type(json, '$.{c}') IS NOT NULL AND json_type(json, '$.{c}') <> 'NULL' "
                            f"AND r.{c} IS NULL)::INT * {1 << i}" for i, c in enumerate(decisive(table)))
    con.execute(f"""
        CREATE TABLE {name} AS
        SELECT {typed},
               CASE WHEN len(unknown) > 0 THEN to_json(map_from_entries(list_transform(unknown, lambda k:
                   struct_pack(key := k, value := json_extract(json, '/' || replace(replace(k, '~', '~0'), '/', '~1'))))))
               END AS extra,
               unknown, not_json, is_object, raw_item_type, {unreadable or '0'} AS raw_ok
        FROM (
            SELECT json, json IS NULL AS not_json, coalesce(json_type(json) = 'OBJECT', false) AS is_object,
                   json_transform(CASE WHEN json_type(json) = 'OBJECT' THEN json END, '{structure}') AS r,
                   CASE WHEN json_type(json) = 'OBJECT' THEN
                       list_filter(json_keys(json), lambda k: NOT list_contains({known}, k)) END AS unknown,
                   json_extract_string(json, '$.item_type') AS raw_item_type
            FROM read_json({files}, format = 'newline_delimited', records = false, ignore_errors = true,
                           maximum_object_size = {MAX_LINE_BYTES})
        )
    """)


def decisive(table: Table) -> list[str]:
    """The fields that decide a row; one present in a line but unreadable in its type is counted (flag bit i)."""
    return [c for c in ("article_id", "version", table.day) if c in table.columns]


def count_problems(con, table: Table) -> dict:
    """What in the lines cannot be exported (each counted once, by its first reason), values kept as null, and the
    unknown fields kept in `extra`."""
    name = f"lines_{table.name}"
    own = f"coalesce(raw_item_type, '{table.item_type}') = '{table.item_type}'"
    flags = ", ".join(f"count(*) FILTER (raw_ok & {1 << i} > 0)" for i, _ in enumerate(decisive(table)))
    row = con.execute(f"""
        SELECT count(*), count(*) FILTER (not_json), count(*) FILTER (NOT not_json AND NOT is_object),
               count(*) FILTER (is_object AND NOT {own}), count(*) FILTER (is_object AND {own} AND article_id IS NULL),
               {flags}
        FROM {name}""").fetchone()
    unknown = dict(con.execute(f"SELECT k, count(*) FROM (SELECT unnest(unknown) AS k FROM {name}) "
                               f"GROUP BY k ORDER BY k").fetchall())
    skipped = {"not_json": row[1], "not_an_object": row[2], "other_item_type": row[3], "no_article_id": row[4]}
    kept = {f"unreadable_{c}": n for c, n in zip(decisive(table)[1:], row[6:])}
    return {"lines": row[0], "skipped": {k: v for k, v in skipped.items() if v},
            "kept_with_nulls": {k: v for k, v in kept.items() if v}, "unknown_fields": unknown}


def valid_rows(table: Table) -> str:
    return (f"SELECT rowid AS line, * FROM lines_{table.name} WHERE is_object AND article_id IS NOT NULL "
            f"AND coalesce(raw_item_type, '{table.item_type}') = '{table.item_type}'")


def newest_key(table: Table, prefix: str = "") -> str:
    return "struct_pack(" + ", ".join(f"{c} := {prefix}{c}" for c in table.newest) + ")"


def version_key(table: Table) -> list[str]:
    """The columns that make two lines the same version of an item (for --all-versions)."""
    return ["article_id", "version", "content_hash"] if "version" in table.columns else \
        ["article_id", "date", "updated", "title", "excerpt"]


def day_of(table: Table) -> str:
    """The row's calendar day in Pakistan time (the session's time zone)."""
    return f"CAST({table.day} AS DATE)"


def count_unknown(reports: list[dict]) -> Counter:
    total = Counter()
    for report in reports:
        total.update(report["unknown_fields"])
    return total
