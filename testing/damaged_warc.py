"""Damaged WARC archives, built by hand for tests and bench/hostile_feed_warc_cases.py: the offline site's article
pages as records, then damage done to the bytes as a careless copy, a buggy writer or a bad disk would do it.

Each record is its own gzip member (as this project and Common Crawl write them) unless `one_stream`; the damage
is placed by record number, so what must be lost is known without reading the file back.
"""

from __future__ import annotations

import gzip
import json
import zlib
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.downloader.mirror import Mirror
from newscrawl.urls import article_id_from_url

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "fixtures" / "site"
SITE_EXPECTED = json.loads((ROOT / "fixtures" / "expected" / "site.json").read_text())
STATIC_IDS = sorted(set(SITE_EXPECTED["article_ids"]) - set(SITE_EXPECTED["rendered_ids"]))
GARBAGE = b"\x00\xffnot a record\r\n" * 20


def record_bytes(url: str, status: int, headers: dict, body: bytes) -> bytes:
    """One uncompressed WARC response record."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    http = StatusAndHeaders(f"{status} OK", list(headers.items()), protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                  http_headers=http))
    return out.getvalue()


def site_records(ids: list[int]) -> list[tuple[int | None, bytes]]:
    """robots.txt, then the article pages `ids` of the offline site in manifest order: (article id, record)."""
    mirror = Mirror(SITE)
    records = [(None, record_bytes("https://www.dawn.com/robots.txt", *mirror.answer("https://www.dawn.com/robots.txt")))]
    for url in mirror.entries:  # an article once, under its first URL (the mirror has the slug too)
        if (article_id := article_id_from_url(url)) in ids and article_id not in dict(records):
            records.append((article_id, record_bytes(url, *mirror.answer(url))))
    return records


def wrong_length(record: bytes, delta: int = -100) -> bytes:
    """The record with a Content-Length `delta` bytes off."""
    head, rest = record.split(b"\r\n\r\n", 1)
    lines = [f"Content-Length: {int(line.split(b':')[1]) + delta}".encode() if line.lower().startswith(b"content-length:")
             else line for line in head.split(b"\r\n")]
    return b"\r\n".join(lines) + b"\r\n\r\n" + rest


def flipped(member: bytes) -> bytes:
    """A gzip member with one byte of its compressed data flipped, in the middle."""
    middle = len(member) // 2
    return member[:middle] + bytes([member[middle] ^ 0x55]) + member[middle + 1:]


def member(record: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(record) + compressor.flush()


def damaged_gzip_warc(path: Path, ids: list[int]) -> tuple[Path, set[int]]:
    """One member per record (robots.txt, then 8 articles); garbage between the 2nd and 3rd article, a
    Content-Length 100 short in the 4th, 100 long in the 6th, a flipped byte in the 7th's member. Returns the path
    and the article ids that must survive."""
    records = site_records(ids)
    assert len(records) == 9
    parts = []
    for number, (_, record) in enumerate(records):
        if number == 4:
            record = wrong_length(record, -100)
        elif number == 6:
            record = wrong_length(record, +100)
        data = flipped(member(record)) if number == 7 else member(record)
        parts.append(data + (GARBAGE if number == 2 else b""))
    path.write_bytes(b"".join(parts))
    return path, {article_id for n, (article_id, _) in enumerate(records) if n not in (0, 4, 6, 7)}


def damaged_plain_warc(path: Path, ids: list[int]) -> tuple[Path, set[int]]:
    """Uncompressed (robots.txt, then 8 articles); garbage before the 2nd article, the 4th's Content-Length 100
    long, the 6th's 100 short."""
    records = site_records(ids)
    assert len(records) == 9
    parts = [wrong_length(r, +100) if n == 4 else wrong_length(r, -100) if n == 6 else r
             for n, (_, r) in enumerate(records)]
    parts.insert(2, GARBAGE)
    path.write_bytes(b"".join(parts))
    return path, {article_id for n, (article_id, _) in enumerate(records) if n not in (0, 4, 6)}


def one_stream_warc(path: Path) -> Path:
    """Every page of the offline site, all records in ONE gzip stream (not one member per record)."""
    mirror = Mirror(SITE)
    data = b"".join(record_bytes(url, *mirror.answer(url)) for url in mirror.entries)
    path.write_bytes(gzip.compress(data))
    return path
