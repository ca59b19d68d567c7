"""Closing WARC files that a killed crawl left `.open`.

The recorder writes each record as its own gzip member and flushes it whole, so a file cut short by a kill is a
run of complete members followed by at most one partial one: the record that was being written. Recovery keeps
the complete members, cuts the partial one off, checks the rest reads back with warcio, and drops `.open`.
A file another running crawl holds (it keeps an exclusive flock on its open file) is left alone.
"""

from __future__ import annotations

import fcntl
import logging
import os
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
CHUNK = 1 << 16


def complete_members_end(path: Path) -> int:
    """The byte offset just past the last complete gzip member of the file."""
    end = 0
    with open(path, "rb") as file:
        while True:
            file.seek(end)
            decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
            consumed = 0
            try:
                while not decompressor.eof:
                    chunk = file.read(CHUNK)
                    if not chunk:
                        return end  # the last member stops before its end: the record being written
                    decompressor.decompress(chunk)
                    consumed += len(chunk)
            except zlib.error:
                return end
            member_end = end + consumed - len(decompressor.unused_data)
            if member_end == end:
                return end
            end = member_end


def count_records(path: Path) -> int:
    """How many records warcio reads from the file (raises on any error)."""
    with open(path, "rb") as file:
        return sum(1 for _ in ArchiveIterator(file))


def recover(path: Path) -> Path:
    """Cut the partial last record off an `.open` file and rename it without the suffix."""
    end = complete_members_end(path)
    size = path.stat().st_size
    if end < size:
        logger.warning("%s: cutting off %d bytes of a record a killed crawl was writing", path, size - end)
        os.truncate(path, end)
    closed = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    records = count_records(path)
    os.rename(path, closed)
    logger.info("%s: recovered with %d complete records", closed, records)
    return closed


def close_abandoned(directory: Path) -> list[Path]:
    """Recover every `.open` WARC file in the directory that no running crawl holds; the closed paths."""
    closed = []
    for path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        with open(path, "rb") as held:
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being written by a running crawl
            closed.append(recover(path))
    return closed
