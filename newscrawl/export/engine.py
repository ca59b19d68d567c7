"""Reading the crawl's lines with DuckDB, counting what cannot be exported, and choosing the rows.

Three reads of the new bytes, none holding more than a buffer of them: (1) the top-level field names of every line
(`read_json` schema detection over all lines, `maximum_depth=1`), so that a field this exporter has no column for is
found wherever it first appears; (2) every line typed (`read_json` with the columns' types, `ignore_errors`: a torn,
garbled or non-object line reads as a row of NULLs, a value of the wrong type as NULL, so both are counted, never
fatal) and written to a stage Parquet file in the work folder, whose row numbers name the lines; (3) the stage, read
back for the rows chosen (newscrawl/export/incremental.py). Memory is bounded by DuckDB's memory_limit and the row
group size, not by the number of lines."""

from __future__ import annotations

from pathlib import Path

import duckdb

from newscrawl.export.tables import Table

MEMORY_LIMIT = "512MB"  # DuckDB spills to its temp directory beyond this (sorts, joins): the export's memory bound
MAX_LINE_BYTES = 4 << 20  # longest line read (DuckDB sizes its read buffers by it): a body is at most 200,000 characters
PKT = "Asia/Karachi"  # Dawn's time (UTC+05:00, no daylight saving): publication days are Pakistan-time days
FLUSH_ROWS = 20_000
OPEN_PARTITION_FILES = 8
STAGE_ROW_GROUP = 10_000  # rows the stage writer holds before writing them out (about 40 MB of Articles)


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit='{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory={text(workdir / 'spill')}")
    con.execute(f"SET TimeZone='{PKT}'")
    con.execute("SET enable_progress_bar=false")  # the command prints its own report
    con.execute("SET preserve_insertion_order=false")  # row order is set by ORDER BY where it matters
    # a partitioned write holds this many rows over all its partitions before writing them (default 524,288: 2 GB
    # of Articles); with it the write's memory stays the same whatever the number of rows
    con.execute(f"SET partitioned_write_flush_threshold={FLUSH_ROWS}")
    # each open partition file holds its unfinished row group in memory, which DuckDB cannot spill: a few open at a
    # time (a partition met again later gets a new part file) keeps that bounded however many months there are
    con.execute(f"SET partitioned_write_max_open_files={OPEN_PARTITION_FILES}")
    return con


def text(value) -> str:
    """A SQL string literal (paths and names may hold quotes)."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_list(values) -> str:
    return "[" + ", ".join(text(v) for v in values) + "]"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def field_names(con, files: str) -> list[str]:
    """Every top-level field name of the lines: DuckDB's schema detection over all of them; when a line is valid
    JSON but not an object (the detection stops at it), the keys of each object line instead (slower, and rare)."""
    read = f"format = 'newline_delimited', ignore_errors = true, maximum_object_size = {MAX_LINE_BYTES}"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_json({files}, {read}, records = true, "
                                f"sample_size = -1, maximum_depth = 1)").fetchall()
        return [row[0] for row in described]
    except duckdb.Error:
        keys = con.execute(f"SELECT DISTINCT unnest(json_keys(json)) FROM read_json({files}, {read}, records = false) "
                           f"WHERE json_type(json) = 'OBJECT'").fetchall()
        return sorted(row[0] for row in keys)


def load_lines(con, table: Table, paths: list[Path], workdir: Path) -> list[str]:
    """View `lines_<name>`: one row per line of the paths (`rowid` its row in the stage), typed, with `extra` (a JSON
    object of the fields that have no column, or NULL). Returns the names of those unknown fields."""
    stage = workdir / f"stage-{table.name}.parquet"
    typed = ", ".join(f"{quoted(c)} := NULL::{kind}" for c, kind in table.columns.items())
    if not paths:
        con.execute(f"CREATE OR REPLACE VIEW lines_{table.name} AS SELECT 0::BIGINT AS rowid, "
                    f"unnest(struct_pack({typed})), NULL::JSON AS extra, false AS readable WHERE false")
        return []
    files = sql_list(str(p) for p in paths)
    unknown = [name for name in field_names(con, files) if name not in table.columns]
    columns = {**table.columns, **{name: "JSON" for name in unknown}}
    spec = "{" + ", ".join(f"{text(c)}: '{kind}'" for c, kind in columns.items()) + "}"
    extra = "NULL::JSON"
    if unknown:
        entries = ", ".join(f"struct_pack(key := {text(u)}, value := {quoted(u)})"
                            for u in unknown)
        extra = (f"CASE WHEN coalesce({', '.join(quoted(u) for u in unknown)}) IS NOT NULL THEN to_json("
                 f"map_from_entries(list_filter([{entries}], lambda e: e.value IS NOT NULL))) END")
    # a line that is not a JSON object (torn, garbled, an array) reads as a row of NULLs
    readable = " OR ".join(f"{quoted(c)} IS NOT NULL" for c in columns)
    con.execute(f"""
        COPY (SELECT {', '.join(quoted(c) for c in table.columns)}, {extra} AS extra, ({readable}) AS readable,
                     {', '.join(quoted(u) + ' IS NOT NULL AS ' + quoted('has:' + u) for u in unknown) or 'true AS _'}
              FROM read_json({files}, format = 'newline_delimited', columns = {spec}, ignore_errors = true,
                             maximum_object_size = {MAX_LINE_BYTES}))
        TO {text(stage)} (FORMAT parquet, COMPRESSION 'uncompressed', ROW_GROUP_SIZE {STAGE_ROW_GROUP})""")
    con.execute(f"CREATE OR REPLACE VIEW lines_{table.name} AS SELECT file_row_number AS rowid, * "
                f"FROM read_parquet({text(stage)}, file_row_number = true)")
    return unknown


def count_problems(con, table: Table, unknown: list[str]) -> dict:
    """What in the lines cannot be exported (each counted once, by its first reason), the rows kept without a day,
    and the unknown fields kept in `extra`, by name."""
    name = f"lines_{table.name}"
    own = f"coalesce(item_type, '{table.item_type}') = '{table.item_type}'"
    has = ", ".join(f"count(*) FILTER ({quoted('has:' + u)})" for u in unknown)
    row = con.execute(f"""
        SELECT count(*), count(*) FILTER (NOT readable), count(*) FILTER (readable AND NOT {own}),
               count(*) FILTER (readable AND {own} AND article_id IS NULL),
               count(*) FILTER (readable AND {own} AND article_id IS NOT NULL AND {table.day} IS NULL)
               {', ' + has if has else ''}
        FROM {name}""").fetchone()
    skipped = {"unreadable_line": row[1], "other_item_type": row[2], "no_article_id": row[3]}
    return {"lines": row[0], "skipped": {k: v for k, v in skipped.items() if v},
            "kept_with_nulls": {f"no_{table.day}": row[4]} if row[4] else {},
            "unknown_fields": dict(zip(unknown, row[5:]))}


def valid_rows(table: Table) -> str:
    return (f"SELECT rowid AS line, * FROM lines_{table.name} WHERE readable AND article_id IS NOT NULL "
            f"AND coalesce(item_type, '{table.item_type}') = '{table.item_type}'")


def newest_key(table: Table, prefix: str = "") -> str:
    return "struct_pack(" + ", ".join(f"{c} := {prefix}{c}" for c in table.newest) + ")"


def version_key(table: Table) -> list[str]:
    """The columns that make two lines the same version of an item (for --all-versions)."""
    return ["article_id", "version", "content_hash"] if "version" in table.columns else \
        ["article_id", "date", "updated", "title", "excerpt"]


def day_of(table: Table) -> str:
    """The row's calendar day in Pakistan time (the session's time zone)."""
    return f"CAST({table.day} AS DATE)"
