"""A local, faulty copy of the offline Dawn site, for the fault tests and bench/hostile.py. Traffic: 127.0.0.1 only.

`FaultSite` is an HTTP server on 127.0.0.1 that answers www.dawn.com paths from a mirror directory
(fixtures/site by default), and fails a share of requests on purpose (seeded, so a run is repeatable):

- `truncate`: 200, no Content-Length, a part of the body, then the connection closed (Scrapy sees "partial");
- `reset`: the connection closed before any answer;
- `retry_after`: 503 with a hostile Retry-After ("²", an HTTP date that overflows, ...);
- `error`: 500.

It logs every answer per path, so a caller can tell which pages were served whole at least once.

A crawl is sent there by the tests' download handler (`local_site_settings(site)`: tests/generated_site.py's
LocalSiteHandler): every www.dawn.com request goes to that server through Scrapy's own HTTP/1.1 handler (real
sockets, real Content-Length and connection handling), and the response comes back under its www.dawn.com URL.
"""

from __future__ import annotations

import http.server
import random
import sys
import threading
import zlib
from collections import defaultdict
from pathlib import Path

from newscrawl.downloader.mirror import Mirror
from newscrawl.urls import SITE_ROOT
from tests.generated_site import local_site_settings

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
FAULT_KINDS = ("truncate", "reset", "retry_after", "error")
HOSTILE_RETRY_AFTER = ["²", "Fri, 31 Dec 99999999999 23:59:59 GMT", "Thu, 19 Jun 2025 99999999999999999999:00:00 GMT",
                       "-5", "1e9", "99999999999999999999999", " ", "\x7f"]


def gzip_bomb(decompressed_bytes: int) -> bytes:
    """A gzip body of `decompressed_bytes` zeros, made in 1 MiB steps (small in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    chunk = bytes(1024 * 1024)
    parts = [packer.compress(chunk) for _ in range(decompressed_bytes // len(chunk))]
    return b"".join(parts) + packer.flush()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that hangs up mid-answer (a crawl cancelling a download past DOWNLOAD_MAXSIZE) is expected."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FaultSite:
    def __init__(self, directory: Path = SITE, fault_rate: float = 0.0, seed: int = 0,
                 extra: dict[str, tuple[int, dict, bytes]] | None = None, always_truncated: set[str] = frozenset(),
                 truncate_first: dict[str, int] | None = None):
        self.mirror = Mirror(directory)
        self.fault_rate = fault_rate
        self.random = random.Random(seed)
        self.extra = extra or {}  # path -> (status, headers, body): pages the mirror does not have
        self.always_truncated = set(always_truncated)
        self.truncate_first = dict(truncate_first or {})
        self.answers: dict[str, list[str]] = defaultdict(list)  # path -> what each request got
        self.lock = threading.Lock()
        self.httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FaultSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def local_site_settings(self) -> dict:
        """The settings that send a crawl's www.dawn.com requests to this server."""
        return local_site_settings(self.httpd.server_address[1])

    def served_whole(self, path: str) -> bool:
        return "whole" in self.answers.get(path, [])

    def _decide(self, path: str) -> str:
        with self.lock:
            if path in self.always_truncated:
                return "truncate"
            if self.truncate_first.get(path, 0) > 0:
                self.truncate_first[path] -= 1
                return "truncate"
            if self.random.random() < self.fault_rate:
                return self.random.choice(FAULT_KINDS)
            return "whole"

    def _retry_after(self) -> str:
        with self.lock:
            return self.random.choice(HOSTILE_RETRY_AFTER)

    def _handler_class(self):
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path
                if path in site.extra:
                    status, headers, body = site.extra[path]
                else:
                    status, headers, body = site.mirror.answer(SITE_ROOT + path)
                kind = site._decide(path) if status == 200 else "whole"
                with site.lock:
                    site.answers[path].append(kind)
                if kind == "reset":
                    self.close_connection = True
                    return
                if kind in ("retry_after", "error"):
                    self.send_response(503 if kind == "retry_after" else 500)
                    if kind == "retry_after":
                        self.send_header("Retry-After", site._retry_after())
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if kind == "truncate":  # as a dropped connection looks: no length, part of the page, closed
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body[: len(body) * 2 // 5])
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

