"""Helpers of the export tests: hand-written Article lines, and DEST read back with pyarrow (DuckDB wrote it)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pyarrow.dataset as pads


def article(article_id: int, version: int = 1, **fields) -> dict:
    """An Article line as the crawl writes it (docs/OUTPUT.md), written out here rather than built by the code."""
    line = {
        "item_type": "Article", "url": f"https://www.dawn.com/news/{article_id}", "article_id": article_id,
        "title": f"Story {article_id} v{version}", "summary": None, "authors": ["Reuters"], "section": "Pakistan",
        "published_at": "2025-06-19T07:07:30+05:00", "updated_at": None, "dateline": "KARACHI",
        "body": f"KARACHI: body of {article_id}, version {version}.", "print_edition": None,
        "images": [{"url": f"https://i.dawn.com/{article_id}.jpg", "caption": None}], "tags": [], "language": "en",
        "fetched_at": f"2025-06-19T1{version}:00:00+00:00", "content_hash": f"hash-{article_id}-{version}",
        "extractor": "dawn", "version": version,
    }
    line.update(fields)
    return line


def write_lines(path: Path, lines: list, mode: str = "w") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open(mode, encoding="utf-8") as handle:
        for line in lines:
            handle.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")


def read_back(dest: Path, table: str = "articles") -> list[dict]:
    """Every row of a Parquet table in DEST, read by pyarrow (hive partitions as a column), sorted by id, version."""
    dataset = pads.dataset(dest / table, format="parquet", partitioning="hive")
    rows = dataset.to_table().to_pylist()
    return sorted(rows, key=lambda row: (row["article_id"], row.get("version") or 0))


def parquet_files(dest: Path, table: str = "articles") -> dict[Path, int]:
    """Each part file with its inode and modification time, to see which an export rewrote."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (dest / table).rglob("*.parquet")}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)
