"""Writing a table into DEST, and adding to it later without rewriting what is there.

Each export writes its rows as new part files (`part-<uuid>`) in the month partitions they belong to, and appends
the keys of what it considered to DEST/.newscrawl-export/<table>/keys-<uuid>.parquet: per article id the newest
version seen (`--latest`), or every version (`--all-versions`), whether or not a filter let it through. A later
export writes only lines newer than those keys. With `--latest`, an article that changed has its older row removed:
the few part files holding a superseded id are rewritten without it (the other files are not touched), so a reader
never sees two rows of one id and needs no tombstones."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

from newscrawl.export.engine import day_of, newest_key, sql_list, text, valid_rows, version_key
from newscrawl.export.inputs import STATE_DIR
from newscrawl.export.tables import CC_NEWS, Table

FORMATS = {"parquet": "parquet", "csv": "csv", "jsonl": "json"}
EXTENSIONS = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}
# how DuckDB writes CSV, said outright when reading it back (the sniffer can guess wrong on bodies full of quotes)
CSV_DIALECT = "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"'"
# a Parquet writer holds a row group per open partition file before writing it out: at most this many rows or bytes
ROW_GROUP_ROWS = 20_000
ROW_GROUP_BYTES = "16MB"


def choose(con, table: Table, all_versions: bool, dest: Path) -> None:
    """Temp table `fresh_<name>`: (line, article_id, is_change) of the lines newer than what DEST already has."""
    name, keys_dir = table.name, dest / STATE_DIR / table.name
    keys_files = sorted(keys_dir.glob("keys-*.parquet"))
    if all_versions:
        key = version_key(table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE cand_{name} AS SELECT min_by(line, struct_pack(f := fetched_at, "
                    f"l := line)) AS line, {', '.join(key)} FROM ({valid_rows(table)}) GROUP BY ALL")
        seen = "c.line IS NOT NULL"
        if keys_files:
            match = " AND ".join(f"k.{c} IS NOT DISTINCT FROM c.{c}" for c in key)
            seen = f"NOT EXISTS (SELECT 1 FROM read_parquet({sql_list(keys_files)}) k WHERE {match})"
        con.execute(f"CREATE OR REPLACE TEMP TABLE fresh_{name} AS SELECT c.line, false AS is_change, "
                    f"{', '.join('c.' + c for c in key)} FROM cand_{name} c WHERE {seen}")
        return
    con.execute(f"CREATE OR REPLACE TEMP TABLE cand_{name} AS SELECT article_id, max_by(line, {newest_key(table)}) "
                f"AS line, max({newest_key(table)}) AS newest FROM ({valid_rows(table)}) GROUP BY article_id")
    old = "(SELECT NULL::BIGINT AS article_id, NULL AS newest WHERE false)"
    if keys_files:
        old = f"(SELECT article_id, max(newest) AS newest FROM read_parquet({sql_list(keys_files)}) GROUP BY article_id)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE fresh_{name} AS SELECT c.line, c.article_id, o.article_id IS NOT NULL "
                f"AS is_change, c.newest FROM cand_{name} c LEFT JOIN {old} o ON o.article_id = c.article_id "
                f"WHERE o.article_id IS NULL OR c.newest > o.newest")


def projection(table: Table, cc_news: bool, file_format: str) -> str:
    month = f"coalesce(strftime({day_of(table)}, '%Y-%m'), 'unknown') AS published_month"
    if cc_news and table.name == "articles":
        columns = [f"{expression} AS {column}" for column, expression in CC_NEWS.items()]
    else:
        nested = {c for c, kind in table.columns.items() if kind.endswith("]") or kind.startswith("STRUCT")}
        # CSV has no lists or structs: they are written as JSON text, which every CSV user can parse
        columns = [f"to_json({c}) AS {c}" if file_format == "csv" and c in nested else c for c in table.columns]
        if file_format != "parquet":  # times as ISO 8601 text in Pakistan time (+05:00), as the crawl writes them
            columns = [f"strftime({c}, '%Y-%m-%dT%H:%M:%S%z') || ':00' AS {c}" if table.columns.get(c) == "TIMESTAMPTZ"
                       else c for c in columns]
        columns.append("extra")
    return ", ".join(columns + [month])


def filters(table: Table, since: str | None, until: str | None, section: str | None) -> str:
    where = ["true"]
    if since:
        where.append(f"{day_of(table)} >= DATE '{since}'")
    if until:
        where.append(f"{day_of(table)} <= DATE '{until}'")
    if section:
        where.append(f"lower(section) = lower({text(section)})")
    return " AND ".join(where)


def remove_superseded(con, table: Table, dest: Path, file_format: str) -> int:
    """Rewrite, without them, the part files holding a row of an id this export writes anew (an older version; or
    the same one, written by an export killed before it could record it); returns how many files were rewritten."""
    changed = con.execute(f"SELECT article_id FROM fresh_{table.name}").fetchall()
    folder = dest / table.name
    parts = sorted(folder.rglob(f"*.{EXTENSIONS[file_format]}"))
    if not changed or not parts:
        return 0
    ids = {row[0] for row in changed}
    con.execute("CREATE OR REPLACE TEMP TABLE superseded AS SELECT unnest(?::BIGINT[]) AS article_id", [sorted(ids)])
    if file_format != "jsonl":  # the files holding one of the ids, found in one columnar read of DEST
        reader = "read_parquet" if file_format == "parquet" else "read_csv"
        options = "hive_partitioning = false" if file_format == "parquet" else CSV_DIALECT
        parts = [Path(row[0]) for row in con.execute(
            f"SELECT DISTINCT filename FROM {reader}({sql_list(parts)}, {options}, filename = true) "
            f"WHERE article_id::BIGINT IN (SELECT article_id FROM superseded)").fetchall()]
    rewritten = 0
    for part in parts:
        temporary = part.with_name(part.name + ".tmp")
        if file_format == "jsonl":
            kept = holds = 0
            with part.open(encoding="utf-8") as source, temporary.open("w", encoding="utf-8") as target:
                for line in source:
                    if json.loads(line).get("article_id") in ids:
                        holds += 1
                    else:
                        target.write(line)
                        kept += 1
        else:
            reader = (f"read_parquet({text(part)}, hive_partitioning = false)" if file_format == "parquet"
                      else f"read_csv({text(part)}, {CSV_DIALECT})")
            holds = con.execute(f"SELECT count(*) FROM {reader} WHERE article_id::BIGINT IN "
                                f"(SELECT article_id FROM superseded)").fetchone()[0]
            if holds:
                kept = con.execute(f"COPY (SELECT * FROM {reader} WHERE article_id::BIGINT NOT IN (SELECT article_id "
                                   f"FROM superseded)) TO {text(temporary)} (FORMAT {FORMATS[file_format]}"
                                   f"{', COMPRESSION zstd' if file_format == 'parquet' else ''})").fetchone()[0]
        if not holds:
            temporary.unlink(missing_ok=True)
            continue
        rewritten += 1
        if kept:
            os.replace(temporary, part)
        else:
            temporary.unlink()
            part.unlink()
    return rewritten


def write_rows(con, table: Table, dest: Path, options) -> int:
    """Write this export's rows as new part files, partitioned by month, into `dest` (the export's pending folder,
    moved into DEST when every table is written); returns the rows written.

    --all-versions sorts each month's rows by id and version: one sort of all the rows would hold them all (DuckDB
    cannot spill its wide rows far enough), so the rows are first written unsorted by month, then each month is
    sorted on its own (a month of Dawn is some 6,000 articles)."""
    rows = (f"SELECT {projection(table, options.schema == 'cc_news', options.format)} FROM lines_{table.name} l "
            f"JOIN (SELECT line FROM fresh_{table.name}) f ON l.rowid = f.line "
            f"WHERE {filters(table, options.since, options.until, options.section)}")
    file_format = FORMATS[options.format]
    extra = (f", ROW_GROUP_SIZE {ROW_GROUP_ROWS}, ROW_GROUP_SIZE_BYTES '{ROW_GROUP_BYTES}', COMPRESSION zstd"
             if options.format == "parquet" else "")
    extra += ", HEADER true" if options.format == "csv" else ""
    (dest / table.name).mkdir(parents=True, exist_ok=True)
    if not options.all_versions:
        return con.execute(f"COPY ({rows}) TO {text(dest / table.name)} (FORMAT {file_format}, "
                           f"PARTITION_BY (published_month), APPEND, FILENAME_PATTERN 'part-{{uuid}}', "
                           f"FILE_EXTENSION '{EXTENSIONS[options.format]}'{extra})").fetchone()[0]
    unsorted = dest.parent / f"unsorted-{table.name}"
    written = con.execute(f"COPY ({rows}) TO {text(unsorted)} (FORMAT parquet, PARTITION_BY (published_month), "
                          f"COMPRESSION uncompressed, ROW_GROUP_SIZE_BYTES '{ROW_GROUP_BYTES}')").fetchone()[0]
    for month in sorted(unsorted.glob("published_month=*")):
        source = f"read_parquet({text(month / '*.parquet')}, hive_partitioning = false)"
        present = [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]
        order = ", ".join(c for c in ("article_id", "version", "fetched_at", "date") if c in present)
        target = dest / table.name / month.name
        target.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY (SELECT * FROM {source} ORDER BY {order}) TO "
                    f"{text(target / f'part-{uuid.uuid4()}.{EXTENSIONS[options.format]}')} (FORMAT {file_format}{extra})")
        shutil.rmtree(month)
    return written


def save_keys(con, table: Table, dest: Path) -> None:
    """The keys of what this export considered (written or filtered out), as a new file of DEST's state (written
    into the pending folder `dest`, like the rows)."""
    keys_dir = dest / STATE_DIR / table.name
    keys_dir.mkdir(parents=True, exist_ok=True)
    if not con.execute(f"SELECT count(*) FROM fresh_{table.name}").fetchone()[0]:
        return
    columns = [d[0] for d in con.execute(f"SELECT * FROM fresh_{table.name} LIMIT 0").description]
    select = ", ".join(c for c in columns if c not in ("line", "is_change"))
    temporary = keys_dir / f"keys-{uuid.uuid4()}.parquet.tmp"
    con.execute(f"COPY (SELECT {select} FROM fresh_{table.name}) TO {text(temporary)} (FORMAT parquet)")
    os.replace(temporary, temporary.with_suffix(""))
