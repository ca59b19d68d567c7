"""Which bytes of the crawl's files an export reads: every `articles.jsonl` / `articles.<worker>.jsonl` (and the
teasers' files) under OUTPUT_DIR, from where the last export into the same DEST stopped to the end of the file's
last complete line. The manifest (DEST/.newscrawl-export/manifest.json) records, per file, the byte read up to and a
hash of the bytes before it, so a file that was replaced or cut (not appended to) is read again from its start."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from newscrawl.export.tables import Table

STATE_DIR = ".newscrawl-export"
MANIFEST = "manifest.json"
HEAD_BYTES = 65536  # the bytes hashed to recognise a file as the one read before (its start does not change)
COPY_CHUNK = 1 << 20


@dataclass
class Segment:
    path: Path  # the crawl's file
    start: int  # first byte not read by an earlier export
    end: int  # end of the last complete line
    size: int  # the file's size now (bytes past `end` are a line still being written, or torn)
    reread: bool  # the file changed under an earlier export (replaced or cut): read from 0


def input_files(output_dir: Path, table: Table, skip: Path | None = None) -> list[Path]:
    """The table's files under output_dir, every worker and every run, sorted (DEST itself skipped)."""
    names = (f"{table.file_stem}.jsonl", f"{table.file_stem}.*.jsonl")
    found = {p for name in names for p in output_dir.rglob(name) if p.is_file()}
    if skip is not None:
        found = {p for p in found if skip.resolve() not in p.resolve().parents}
    return sorted(found)


def last_line_end(path: Path, size: int) -> int:
    """The offset just past the file's last newline (0 when it has none)."""
    with path.open("rb") as handle:
        position = size
        while position > 0:
            step = min(COPY_CHUNK, position)
            handle.seek(position - step)
            newline = handle.read(step).rfind(b"\n")
            if newline >= 0:
                return position - step + newline + 1
            position -= step
    return 0


def head_hash(path: Path, upto: int) -> str:
    with path.open("rb") as handle:
        return hashlib.sha256(handle.read(min(upto, HEAD_BYTES))).hexdigest()


def segments(files: list[Path], manifest: dict) -> list[Segment]:
    """The new bytes of each file; a file with nothing new is left out."""
    found = []
    for path in files:
        size = path.stat().st_size
        end = last_line_end(path, size)
        seen = manifest.get(str(path.resolve()))
        start, reread = 0, False
        if seen:
            if seen["read_to"] <= end and head_hash(path, seen["read_to"]) == seen["head"]:
                start = seen["read_to"]
            else:
                reread = True
        if end > start or size > end:
            found.append(Segment(path, start, end, size, reread))
    return found


def readable(segment: Segment, workdir: Path) -> Path | None:
    """A path DuckDB can read holding exactly the segment's lines: the file itself when the segment is all of it,
    else a copy of those bytes in workdir (streamed, never held in memory)."""
    if segment.end <= segment.start:
        return None
    if segment.start == 0 and segment.end == segment.size:
        return segment.path
    copy = workdir / f"{len(list(workdir.iterdir()))}.{segment.path.name}"
    with segment.path.open("rb") as source, copy.open("wb") as target:
        source.seek(segment.start)
        left = segment.end - segment.start
        while left:
            chunk = source.read(min(COPY_CHUNK, left))
            if not chunk:
                break
            target.write(chunk)
            left -= len(chunk)
    return copy


def load_manifest(dest: Path) -> dict:
    path = dest / STATE_DIR / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_manifest(dest: Path, manifest: dict) -> None:
    """Written to a temporary file and renamed over the old one: a killed export leaves the previous manifest."""
    path = dest / STATE_DIR / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def record(manifest_files: dict, segment: Segment) -> None:
    manifest_files[str(segment.path.resolve())] = {"read_to": segment.end, "head": head_hash(segment.path, segment.end)}
