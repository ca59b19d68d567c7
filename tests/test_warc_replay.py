"""Replaying WARC files: archives written by other tools (Common-Crawl style, warcio capture_http style), the
choice among captures, revisits, the cached index, and a crawl over a foreign archive.

The archives are built here with warcio's writer from fixture pages, with the properties of the real thing.
"""

from __future__ import annotations

import gzip
import json
from io import BytesIO

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.archive.replay import Archive, ArchiveError
from tests.conftest import EXPECTED, SITE, run_crawl

ARTICLE = "https://www.dawn.com/news/1918062/fed-keeps-rates-steady"
ARTICLE_HTML = (SITE / "news" / "1918062.html").read_bytes()
OTHER_HTML = (SITE / "news" / "1918063.html").read_bytes()
HTML = [("Content-Type", "text/html; charset=utf-8")]


def chunked(body: bytes, size: int = 1000) -> bytes:
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def response(writer, url, body, headers=HTML, status="200 OK", date=None, **warc_fields):
    fields = {"WARC-Date": date, **warc_fields} if date else dict(warc_fields)
    http = StatusAndHeaders(status, list(headers), protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body), http_headers=http,
                                     warc_headers_dict=fields)


def common_crawl_archive(path):
    """Response records only (no requests), WARC/1.0, many hosts; payloads as servers sent them: gzip content
    coding, chunked transfer coding; WARC-Identified-Payload-Type; a WARC-Truncated record."""
    with open(path, "wb") as file:
        writer = WARCWriter(file, gzip=True, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Apache Nutch 1.19",
                                                                       "isPartOf": "CC-NEWS-2025-06"}))
        writer.write_record(response(writer, "https://www.example.org/news/1918062", b"<html>not dawn</html>",
                                     **{"WARC-Identified-Payload-Type": "text/html"}))
        writer.write_record(response(writer, ARTICLE, gzip.compress(ARTICLE_HTML),
                                     headers=[*HTML, ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")],
                                     **{"WARC-Identified-Payload-Type": "text/html"}))
        writer.write_record(response(writer, "https://www.dawn.com/news/1918063/pakistan-story", chunked(OTHER_HTML),
                                     headers=[*HTML, ("Transfer-Encoding", "chunked")],
                                     **{"WARC-Identified-Payload-Type": "text/html"}))
        cut = (SITE / "news" / "1918064.html").read_bytes()[:3000]
        writer.write_record(response(writer, "https://www.dawn.com/news/1918064", cut,
                                     **{"WARC-Truncated": "length", "WARC-Identified-Payload-Type": "text/html"}))
        writer.write_record(response(writer, "https://images.dawn.com/news/1918062", b"\x89PNG",
                                     headers=[("Content-Type", "image/png")]))
    return path


def capture_http_archive(path):
    """As warcio's capture_http writes: WARC/1.0, uncompressed, request + response pairs."""
    with open(path, "wb") as file:
        writer = WARCWriter(file, gzip=False, warc_version="1.0")
        body = OTHER_HTML
        resp = response(writer, "https://www.dawn.com/news/1918063", body,
                        headers=[*HTML, ("Content-Length", str(len(body)))])
        req = writer.create_warc_record("https://www.dawn.com/news/1918063", "request", payload=BytesIO(b""),
                                        length=0, http_headers=StatusAndHeaders(
                                            "GET /news/1918063 HTTP/1.1", [("Host", "www.dawn.com")],
                                            is_http_request=True))
        writer.write_request_response_pair(req, resp)
    return path


def test_common_crawl_style_archive(tmp_path):
    archive = Archive(str(common_crawl_archive(tmp_path / "CC-NEWS-20250619.warc.gz")))
    status, headers, body = archive.answer(ARTICLE)
    assert (status, body) == (200, ARTICLE_HTML)  # gzip content coding undone
    assert "Content-Encoding" not in headers and headers["Content-Type"].startswith("text/html")
    status, headers, body = archive.answer("https://www.dawn.com/news/1918063")
    assert (status, body) == (200, OTHER_HTML)  # chunks joined
    assert "Transfer-Encoding" not in headers
    assert archive.answer("https://www.dawn.com/news/1918064")[0] == 404  # truncated: left out
    assert archive.answer("https://www.example.org/news/1918062")[0] == 404  # another host: left out
    assert archive.answer("https://images.dawn.com/news/1918062")[0] == 404
    counts = archive.index.counts
    assert (counts["truncated"], counts["other_host"], counts["other_records/warcinfo"]) == (1, 2, 1)


def test_capture_http_style_archive(tmp_path):
    archive = Archive(str(capture_http_archive(tmp_path / "capture.warc")))
    assert archive.answer("https://www.dawn.com/news/1918063") == (200, dict(HTML), OTHER_HTML)
    assert archive.index.counts["other_records/request"] == 1


def test_a_crawl_over_a_foreign_archive(tmp_path):
    (tmp_path / "a").mkdir()
    common_crawl_archive(tmp_path / "a" / "cc.warc.gz")
    capture_http_archive(tmp_path / "a" / "capture.warc")
    urls = "https://www.dawn.com/news/1918062,https://www.dawn.com/news/1918063?utm_source=x,https://www.dawn.com/news/1918064"
    result = run_crawl(tmp_path / "out", "-a", f"urls={urls}", mirror=None,
                       settings={"NEWSCRAWL_REPLAY": tmp_path / "a", "NEWSCRAWL_RENDER": "0"})
    assert sorted(a["article_id"] for a in result.articles) == [1918062, 1918063]
    import json
    expected = json.loads((EXPECTED / "1918062.json").read_text(encoding="utf-8"))["article"]
    article = next(a for a in result.articles if a["article_id"] == 1918062)
    assert article["body"] == "\n\n".join(expected["body_paragraphs"])
    assert result.stats["newscrawl/skipped/http_404"] == 1  # the truncated capture is not replayed
    hosts = {k.rsplit("/", 1)[1] for k in result.stats if k.startswith("newscrawl/requests_by_host/")}
    assert hosts == {"www.dawn.com"}


def several_captures(path):
    with open(path, "wb") as file:
        writer = WARCWriter(file, gzip=True)
        for day, body in (("2025-06-17", b"<p>first</p>"), ("2025-06-19", b"<p>third</p>"),
                          ("2025-06-18", b"<p>second</p>")):
            writer.write_record(response(writer, f"https://www.dawn.com/news/7/slug-{day}?ref={day}", body,
                                         date=f"{day}T12:00:00Z"))
        first = response(writer, "https://www.dawn.com/latest-news", b"<p>same</p>", date="2025-06-17T00:00:00Z")
        writer.write_record(first)
        writer.write_record(writer.create_revisit_record(
            "https://www.dawn.com/latest-news", first.rec_headers.get_header("WARC-Payload-Digest"),
            "https://www.dawn.com/latest-news", "2025-06-17T00:00:00Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("X-Visit", "2")],
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2025-06-20T00:00:00Z"}))
    return path


def test_latest_capture_wins_across_slugs_and_query_strings(tmp_path):
    archive = Archive(str(several_captures(tmp_path / "x.warc.gz")))
    assert archive.answer("https://www.dawn.com/news/7")[2] == b"<p>third</p>"
    assert archive.answer("https://www.dawn.com/news/7/another-slug?utm_source=y")[2] == b"<p>third</p>"
    assert archive.answer("https://www.dawn.com/news/8")[0] == 404


def test_replay_at_takes_the_nearest_capture(tmp_path):
    path = str(several_captures(tmp_path / "x.warc.gz"))
    assert Archive(path, at="2025-06-18T10:00:00").answer("https://www.dawn.com/news/7")[2] == b"<p>second</p>"
    assert Archive(path, at="2025-06-01T00:00:00").answer("https://www.dawn.com/news/7")[2] == b"<p>first</p>"
    with pytest.raises(ArchiveError, match="not a time"):
        Archive(path, at="yesterday")


def test_a_revisit_resolves_to_the_payload_it_points_to(tmp_path):
    archive = Archive(str(several_captures(tmp_path / "x.warc.gz")))
    status, headers, body = archive.answer("https://www.dawn.com/latest-news")
    assert (status, body, headers["X-Visit"]) == (200, b"<p>same</p>", "2")  # its own headers, the old payload
    early = Archive(str(tmp_path / "x.warc.gz"), at="2025-06-17T00:00:00")
    assert "X-Visit" not in early.answer("https://www.dawn.com/latest-news")[1]


def test_the_index_is_cached_beside_the_file_and_rebuilt_when_it_changes(tmp_path):
    path = several_captures(tmp_path / "x.warc.gz")
    assert Archive(str(path)).index.counts["files_indexed"] == 1
    sidecar = tmp_path / "x.warc.gz.cdxj"
    assert sidecar.read_text().startswith("!meta ")
    again = Archive(str(tmp_path))  # a directory: searched for WARC files
    assert (again.index.counts["sidecar_reused"], again.index.counts["files_indexed"]) == (1, 0)
    with open(path, "ab") as file:  # the file grows: its sidecar is stale
        writer = WARCWriter(file, gzip=True)
        writer.write_record(response(writer, "https://www.dawn.com/news/9", b"<p>nine</p>"))
    rebuilt = Archive(str(path))
    assert rebuilt.index.counts["files_indexed"] == 1
    assert rebuilt.answer("https://www.dawn.com/news/9")[2] == b"<p>nine</p>"


@pytest.mark.parametrize("spec", ["", "/nonexistent/x.warc.gz", "/nonexistent/*.warc.gz"])
def test_replay_of_nothing_fails_with_the_reason(spec):
    with pytest.raises(ArchiveError, match="NEWSCRAWL_REPLAY"):
        Archive(spec)


def test_the_download_handler_closes_the_archive_files_it_read(tmp_path):
    import asyncio

    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from newscrawl.downloader.handler import RoutingDownloadHandler

    spec = str(common_crawl_archive(tmp_path / "CC-NEWS-20250619.warc.gz"))
    handler = RoutingDownloadHandler(get_crawler(settings_dict={"NEWSCRAWL_REPLAY": spec}))

    async def fetch_then_close():
        response = await handler.download_request(Request(ARTICLE))
        files = list(handler.source._handles.values())
        await handler.close()
        return response, files

    response, files = asyncio.run(fetch_then_close())
    assert response.status == 200 and len(files) == 1
    assert files[0].closed and not handler.source._handles
