"""The dataset card: DEST/README.md, written after every export from what DEST holds (read back with DuckDB):
counts, day range, fields, the crawl's provenance, the terms of use, and how to load it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from newscrawl.export.engine import PKT, text
from newscrawl.export.incremental import CSV_DIALECT, EXTENSIONS
from newscrawl.export.tables import ARTICLES, TABLES, Table

MEANINGS = {  # the columns a user meets first; every Article field is in docs/OUTPUT.md
    "published_at": "publication time, an instant (timezone-aware; Dawn gives it in Pakistan time, UTC+05:00)",
    "version": "1 the first time the crawl saw the article, +1 each time it found it changed",
    "extra": "JSON object of the fields of a line that this exporter has no column for (newer fields), else null",
    "published_month": "the partition: YYYY-MM of the publication day in Pakistan time",
    "date": "the date the teaser shows (teasers)", "item_type": "Article or EditorialTeaser",
}
CC_NEWS_MEANINGS = {
    "text": "the article body (Article.body)", "date": "publication time (Article.published_at), an instant",
    "description": "Article.summary", "image_url": "URL of the lead image, or null", "domain": "www.dawn.com",
}


def reader(dest: Path, table: Table, file_format: str) -> str:
    glob = f"{dest / table.name}/**/*.{EXTENSIONS[file_format]}"
    if file_format == "parquet":
        return f"read_parquet({text(glob)}, hive_partitioning = true, union_by_name = true)"
    if file_format == "csv":
        return f"read_csv({text(glob)}, {CSV_DIALECT}, hive_partitioning = true)"
    return f"read_json({text(glob)}, format = 'newline_delimited', hive_partitioning = true)"


def summary(dest: Path, table: Table, options) -> dict:
    if not any((dest / table.name).rglob(f"*.{EXTENSIONS[options.format]}")):
        return {"rows": 0, "ids": 0, "first_day": None, "last_day": None, "columns": []}
    day = "date" if options.schema == "cc_news" and table is ARTICLES else table.day
    with duckdb.connect() as con:
        con.execute(f"SET TimeZone='{PKT}'")
        source = reader(dest, table, options.format)
        rows, ids, first, last = con.execute(
            f"SELECT count(*), count(DISTINCT article_id), min(CAST(CAST({day} AS VARCHAR) AS TIMESTAMPTZ)::DATE), "
            f"max(CAST(CAST({day} AS VARCHAR) AS TIMESTAMPTZ)::DATE) FROM {source}").fetchone()
        columns = [(d[0], str(d[1])) for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]
    return {"rows": rows, "ids": ids, "first_day": first, "last_day": last, "columns": columns}


def write_card(dest: Path, options, manifest: dict, report: dict) -> None:
    tables = {table.name: summary(dest, table, options) for table in TABLES}
    articles = tables["articles"]
    lines = [
        "# Dawn (www.dawn.com) news articles, exported by newscrawl",
        "",
        f"{articles['rows']:,} article rows ({articles['ids']:,} articles), published "
        f"{articles['first_day']} to {articles['last_day']} (days in Pakistan time); "
        f"{tables['teasers']['rows']:,} editorial teaser rows.",
        "",
        "**Terms.** The texts are Dawn's. Dawn's terms of use ask for written permission before any of its content is "
        "republished or redistributed: use this dataset for research and analysis, and ask Dawn before publishing "
        "its texts.",
        "",
        "## What is here",
        "",
        f"- Format: {options.format}; rows: "
        + ("every version of each article, in version order" if options.all_versions else
           "one row per article id, its newest version (highest `version`, then latest `fetched_at`)")
        + (f"; column names of Hugging Face CC-News" if options.schema == "cc_news" else "")
        + "".join(f"; {name} {value}" for name, value in (("since", options.since), ("until", options.until),
                                                           ("section", options.section)) if value),
        f"- `articles/published_month=YYYY-MM/part-*.{EXTENSIONS[options.format]}` and `teasers/...` (the "
        "Opinion/Editorial teasers); `.newscrawl-export/` holds the export's own state (do not edit).",
        "",
    ]
    for name, table in tables.items():
        meanings = MEANINGS | (CC_NEWS_MEANINGS if options.schema == "cc_news" and name == "articles" else {})
        lines += [f"### {name}: {table['rows']:,} rows", "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| {column} | {kind} | {meanings.get(column, 'see newscrawl docs/OUTPUT.md')} |"
                  for column, kind in table["columns"]]
        lines.append("")
    lines += ["## Provenance", "",
              f"Crawled from www.dawn.com by newscrawl (a Scrapy crawler that obeys robots.txt); source output "
              f"folder `{report['source']}`, {len(manifest['files'])} input files (every worker's, every run). "
              "Each row's `fetched_at` is when it was downloaded; Articles backfilled from WARC archives (Common "
              "Crawl) carry their capture's provenance fields (crawl id, WARC file, offset, length, capture time) "
              "as columns, or in `extra` when this exporter predates them.", "", "| export (UTC) | new or changed rows |",
              "|---|---|"]
    lines += [f"| {run['exported_at']} | articles {run['articles']['rows_written']:,}, teasers "
              f"{run['teasers']['rows_written']:,} |" for run in manifest.get("exports", [])]
    lines += ["", "## Load it", "", "```python",
              "import pyarrow.dataset as ds; table = ds.dataset('DEST/articles', partitioning='hive').to_table()",
              "import duckdb; duckdb.sql(\"SELECT * FROM read_parquet('DEST/articles/**/*.parquet')\")",
              "import datasets; datasets.load_dataset('parquet', data_files='DEST/articles/**/*.parquet')",
              "```", ""]
    (dest / "README.md").write_text("\n".join(lines), encoding="utf-8")
