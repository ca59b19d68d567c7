"""Common Crawl's index and data servers, stood in for on 127.0.0.1, answering as the recorded examples of
/work/shared/COMMON_CRAWL.md do: collinfo.json; per crawl `<id>-index` with showNumPages (`{"pages", "pageSize",
"blocks"}`), pages of JSON lines (every value a string, text/x-ndjson), 400 past the last page, 404 "No Captures
found"; `crawl-data/...` answering a Range request with 206 and Content-Range; 503 and nginx 504 pages on demand.

Every request is logged (time, server, path, status, Range) so tests can check the gaps kept and what was fetched.
`script[server]`: statuses to answer the next requests of that server with (a storm); `refuse[server]`: answer
every request of it with 503 (a permanent refusal). The index server and the data server are two instances.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from testing.commoncrawl_warcs import CRAWLS, StubCrawl, build_stub
from testing.local_site import AnsweringServer

LINES_PER_PAGE = 8  # Common Crawl's pages hold 5 blocks of 3000 lines; a few lines make several pages here
GATEWAY_TIMEOUT = (b"<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway"
                   b" Time-out</h1></center>\r\n</body>\r\n</html>\r\n")
SLOW_DOWN = b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'


@dataclass
class Hit:
    at: float
    path: str
    status: int
    range: str | None
    size: int  # bytes of the body sent


class StubServer(AnsweringServer):
    def __init__(self, role: str, crawls: dict[str, StubCrawl]):
        self.role = role  # "index" or "data"
        self.crawls = crawls
        self.files = {name: bytes(f.data) for stub in crawls.values() for name, f in stub.files.items()}
        self.log: list[Hit] = []
        self.script: list[int] = []
        self.refuse = False
        self.index_base = ""  # the index server's own URL, for collinfo's cdx-api
        super().__init__(self.logged_answer)

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def logged_answer(self, path: str, request_headers) -> tuple[int, dict, bytes]:
        arrived = time.monotonic()
        status, headers, body = self.cc_answer(path, request_headers.get("Range"))
        self.log.append(Hit(arrived, path, status, request_headers.get("Range"), len(body)))
        return status, headers, body

    # ---- answers ------------------------------------------------------------------------------------------
    def cc_answer(self, path: str, byte_range: str | None) -> tuple[int, dict, bytes]:
        if self.refuse or self.script:
            status = self.script.pop(0) if self.script else 503
            if status == 504:
                return 504, {"Content-Type": "text/html", "Server": "nginx"}, GATEWAY_TIMEOUT
            return status, {"Content-Type": "application/xml"}, SLOW_DOWN
        if self.role == "data":
            return self.data(path, byte_range)
        parts = urlsplit(path)
        if parts.path == "/collinfo.json":
            return 200, {"Content-Type": "application/json"}, json.dumps(self.collinfo()).encode()
        crawl = parts.path.strip("/").removesuffix("-index")
        if crawl not in self.crawls:
            return 404, {"Content-Type": "text/plain"}, b"Not Found"
        return self.index(crawl, parse_qs(parts.query))

    def collinfo(self) -> list[dict]:
        return [{"id": id_, "name": name, "timegate": f"{self.index_base}/{id_}/",
                 "cdx-api": f"{self.index_base}/{id_}-index", "from": start, "to": end}
                for id_, name, start, end in CRAWLS]

    def index(self, crawl: str, query: dict) -> tuple[int, dict, bytes]:
        url = query.get("url", [""])[0]
        lines = [line for line in self.crawls[crawl].lines
                 if url == "www.dawn.com/news/*" and line["timestamp"] >= query.get("from", ["0"])[0]]
        if not lines:
            message = {"message": f"No Captures found for: {url}"}
            return 404, {"Content-Type": "application/json"}, json.dumps(message).encode()
        pages = math.ceil(len(lines) / LINES_PER_PAGE)
        if query.get("showNumPages") == ["true"]:
            body = json.dumps({"pages": pages, "pageSize": 5, "blocks": pages}).encode()
            return 200, {"Content-Type": "text/x-cdxj"}, body
        page = int(query.get("page", ["0"])[0])
        if page >= pages:
            message = {"message": f"Page {page} invalid: First Page is 0, Last Page is {pages - 1}"}
            return 400, {"Content-Type": "application/json"}, json.dumps(message).encode()
        chosen = lines[page * LINES_PER_PAGE:(page + 1) * LINES_PER_PAGE]
        return 200, {"Content-Type": "text/x-ndjson"}, "".join(json.dumps(line) + "\n" for line in chosen).encode()

    def data(self, path: str, byte_range: str | None) -> tuple[int, dict, bytes]:
        data = self.files.get(urlsplit(path).path.lstrip("/"))
        if data is None:
            return 404, {"Content-Type": "application/xml"}, b"<Error><Code>NoSuchKey</Code></Error>"
        if not byte_range:
            return 200, {"Content-Type": "application/octet-stream"}, data
        start, end = (int(n) for n in byte_range.removeprefix("bytes=").split("-"))
        return 206, {"Content-Type": "application/octet-stream",
                     "Content-Range": f"bytes {start}-{end}/{len(data)}"}, data[start:end + 1]

    def fetched_records(self) -> list[tuple[str, str]]:
        return [(hit.path, hit.range) for hit in self.log if hit.status == 206]


class CommonCrawlStub:
    """Both servers, and the settings that point a backfill at them."""

    def __init__(self):
        crawls = build_stub()
        self.index = StubServer("index", crawls)
        self.data = StubServer("data", crawls)

    def __enter__(self) -> CommonCrawlStub:
        self.index.__enter__()
        self.data.__enter__()
        self.index.index_base = self.index.url
        return self

    def __exit__(self, *exc) -> None:
        self.index.__exit__()
        self.data.__exit__()

    def settings(self, directory, fast: bool = True) -> dict:
        quick = {"NEWSCRAWL_CC_INDEX_DELAY": "0.05", "NEWSCRAWL_CC_DATA_DELAY": "0.02"} if fast else {}
        return {"NEWSCRAWL_CC_INDEX": self.index.url, "NEWSCRAWL_CC_DATA": self.data.url + "/",
                "NEWSCRAWL_CC_DIR": str(directory), **quick}
