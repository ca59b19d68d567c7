"""Reading a WARC file record by record, past damage: what warcio alone does not do.

warcio's ArchiveIterator stops at the first damaged record (garbage between records, a wrong Content-Length),
and a gzip member that fails to decompress is cut short with a message on stderr only. Here every record is
checked before it is believed, and after damage the reading resynchronises:

- a gzip file is walked member by member with zlib, which checks each member's CRC and length; a member that
  does not decompress (a flipped byte, garbage, a member cut short) is one unreadable region, and reading goes on
  at the next gzip member magic (`1f 8b 08`) that decompresses;
- inside a member (or a plain `.warc` file) a record is believed when it starts with a `WARC/1.` line, names a
  Content-Length, and its block is followed by the blank lines that end a record; otherwise the bytes up to the
  next `WARC/1.` that starts a believable record are one unreadable region.

A member holding several records (a `.warc.gz` written as ONE gzip stream) is read too: its records are located
by their offset in the member's decompressed data (`Spot.offset_in_member`), which replay reads by decompressing
that member once into a temporary file (newscrawl.archive.replay).
"""

from __future__ import annotations

import re
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

GZIP_MAGIC = b"\x1f\x8b\x08"
RECORD_MAGIC = b"WARC/1."
CHUNK = 1 << 16
SPOOL_BYTES = 16 << 20  # a member's decompressed data is kept in memory up to this, in a temporary file beyond
HEADER_LIMIT = 1 << 16  # WARC headers longer than this are no record
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*([0-9]{1,15})[ \t]*\r?$")


@dataclass(frozen=True)
class Spot:
    """Where a record is: `offset` and `length` in the file (the gzip member, for a record alone in its member),
    or, for one of several records of a member, the member's offset and the record's offset and length in the
    member's decompressed data."""
    offset: int
    length: int
    offset_in_member: int = 0


@dataclass(frozen=True)
class Damage:
    """An unreadable region: `offset` in the file (of the gzip member it lies in, when `in_member`) and its size in
    bytes (of the member's decompressed data, when `in_member`)."""
    offset: int
    size: int
    in_member: bool = False


def is_gzip(file: BinaryIO, size: int) -> bool:
    """Whether the file is gzip: its first bytes say so, or (garbage at its start) a gzip member magic comes
    before the first `WARC/1.` (a plain file's records show theirs before any gzip payload)."""
    file.seek(0)
    head = file.read(len(RECORD_MAGIC))
    if head.startswith(GZIP_MAGIC[:2]) or head.startswith(RECORD_MAGIC):
        return head.startswith(GZIP_MAGIC[:2])
    return find(file, GZIP_MAGIC, 0, size) < find(file, RECORD_MAGIC, 0, size)


def find(stream: BinaryIO, magic: bytes, start: int, end: int) -> int:
    """The offset of the next `magic` in stream[start:end], or `end`."""
    position = start
    while position < end:
        stream.seek(position)
        chunk = stream.read(min(CHUNK, end - position))
        if (found := chunk.find(magic)) >= 0:
            return position + found
        if len(chunk) < len(magic):
            return end
        position += len(chunk) - len(magic) + 1
    return end


def record_length(stream: BinaryIO, start: int, end: int) -> int | None:
    """The length of the believable record at `start` (its closing blank lines included), or None."""
    stream.seek(start)
    head = stream.read(min(HEADER_LIMIT, end - start))
    if not head.startswith(RECORD_MAGIC) or not (blank := _HEADER_END.search(head)):
        return None
    if not (length := _CONTENT_LENGTH.search(head, 0, blank.start() + 2)):
        return None
    block_end = start + blank.end() + int(length.group(1))
    if block_end == end:
        return block_end - start  # the last record, without its closing blank lines
    if block_end > end:
        return None
    stream.seek(block_end)
    tail = stream.read(4 + len(RECORD_MAGIC))
    if tail.startswith(b"\r\n\r\n"):
        return block_end + 4 - start
    # a writer that ends records short: believed when the end of the data or the next record follows
    for ending in (b"\n\n", b"\r\n", b"\n"):
        if tail.startswith(ending) and (tail == ending or tail[len(ending):].startswith(RECORD_MAGIC)):
            return block_end + len(ending) - start
    return None


def _skip_blank_lines(stream: BinaryIO, start: int, end: int) -> int:
    stream.seek(start)
    blank = stream.read(min(CHUNK, end - start))
    return start + len(blank) - len(blank.lstrip(b"\r\n"))


def plain_records(stream: BinaryIO, start: int, end: int) -> Iterator[tuple[int, int] | Damage]:
    """(offset, length) of each believable record of uncompressed WARC data, and a Damage for what lies between."""
    position = _skip_blank_lines(stream, start, end)
    while position < end:
        if (length := record_length(stream, position, end)) is not None:
            yield position, length
            position = _skip_blank_lines(stream, position + length, end)
            continue
        following = find(stream, RECORD_MAGIC, position + 1, end)
        while following < end and record_length(stream, following, end) is None:
            following = find(stream, RECORD_MAGIC, following + 1, end)
        yield Damage(position, following - position)
        position = following


@dataclass
class Member:
    start: int
    end: int
    data: BinaryIO  # the decompressed data, at position 0
    size: int


def decompress_member(file: BinaryIO, start: int, into: BinaryIO | None = None) -> Member | None:
    """The gzip member at `start`, decompressed (into `into`, else a spooled temporary file), or None when no
    whole member starts there."""
    file.seek(start)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    data = into if into is not None else tempfile.SpooledTemporaryFile(SPOOL_BYTES)
    consumed = size = 0
    try:
        while not decompressor.eof:
            chunk = file.read(CHUNK)
            if not chunk:
                return None  # cut short
            consumed += len(chunk)
            while chunk and not decompressor.eof:  # bounded output per call, however well it compresses
                out = decompressor.decompress(chunk, CHUNK * 16)
                data.write(out)
                size += len(out)
                chunk = decompressor.unconsumed_tail
    except zlib.error:
        return None
    end = start + consumed - len(decompressor.unused_data)
    data.seek(0)
    return Member(start, end, data, size) if end > start else None


def gzip_members(file: BinaryIO, size: int) -> Iterator[Member | Damage]:
    position = 0
    while position < size:
        if (member := decompress_member(file, position)) is not None:
            yield member
            position = member.end
            continue
        following = find(file, GZIP_MAGIC, position + 1, size)
        while following < size and (member := decompress_member(file, following)) is None:
            following = find(file, GZIP_MAGIC, following + 1, size)
        yield Damage(position, following - position)
        position = following
        if member is not None:
            yield member
            position = member.end


def _parsed(spot: Spot, stream: BinaryIO, offset: int, damage_at: int, size: int,
            is_member: bool = False) -> tuple[Spot, object] | Damage:
    """The record warcio parses at `offset`, or a Damage when even warcio cannot read a record we believed."""
    stream.seek(offset)
    try:
        return spot, next(iter(ArchiveIterator(stream)))
    except Exception:  # noqa: BLE001 - whatever warcio raises on it, the record is unreadable
        return Damage(damage_at, size, in_member=is_member)


def readable_records(file: BinaryIO, size: int) -> Iterator[tuple[Spot, object] | Damage]:
    """Every believable record of a WARC file (gzip or not) with its Spot, as warcio parses it (read its headers
    before asking for the next one), and a Damage for each region that could not be read."""
    if not is_gzip(file, size):
        for found in plain_records(file, 0, size):
            yield found if isinstance(found, Damage) else _parsed(Spot(*found), file, found[0], *found)
        return
    for member in gzip_members(file, size):
        if isinstance(member, Damage):
            yield member
            continue
        with member.data:
            found = list(plain_records(member.data, 0, member.size))
            alone = len(found) == 1 and not isinstance(found[0], Damage) and found[0][0] == 0
            for part in found:
                if isinstance(part, Damage):
                    yield Damage(member.start, part.size, in_member=True)
                elif alone:
                    yield _parsed(Spot(member.start, member.end - member.start), member.data, 0, member.start,
                                  part[1], is_member=True)
                else:
                    yield _parsed(Spot(member.start, part[1], part[0]), member.data, part[0], member.start, part[1],
                                  is_member=True)
