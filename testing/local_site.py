"""THE local test site: one real HTTP server on 127.0.0.1 answering www.dawn.com paths, for live-style crawls.

`LocalSite(directory=fixtures/site)` answers from a mirror directory with each manifest entry's status and headers
plus what a real server sends (Date, Server, Content-Length) and a test marker (MARKER); unlisted paths answer 404.
Its options:

- `delay`: every answer waits this many seconds (a slow host);
- `extra`: {path: (status, headers, body)} for pages the mirror does not have;
- faults on purpose, seeded so a run repeats: `fault_rate` (a share of the 200 answers fails in one of
  FAULT_KINDS), `always_truncated` (paths always cut short), `truncate_first` ({path: n}: the first n cut short).
  The kinds: `truncate` (200, no Content-Length, a part of the body, the connection closed: Scrapy sees
  "partial"), `reset` (closed before any answer), `retry_after` (503 with a hostile Retry-After), `error` (500);
- a subclass gives its own pages (`page`) and faults (`fault`, `fault_answer`): testing.generated_site.SiteServer.

It logs every request: `requests` (each URL in order of arrival) and `answers` ({path: [what each request got]}).

A crawl is sent there by `LocalSiteHandler` (`local_site_settings(port)` or `site.local_site_settings()`, as
NEWSCRAWL_LIVE_DOWNLOAD_HANDLER): Scrapy's own HTTP/1.1 handler sending https://www.dawn.com/... requests to
http://127.0.0.1:<port>/... (real sockets, real Content-Length and connection handling) and handing the response
back under its www.dawn.com URL: the spider, the budget and the pipelines see the real host.
"""

from __future__ import annotations

import http.server
import random
import sys
import threading
import time
import zlib
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from newscrawl.downloader.mirror import Mirror
from newscrawl.urls import SITE_ROOT
from testing.files import SITE

MARKER = ("X-Served-By", "newscrawl-test-site")
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


class LocalSite:
    """A ThreadingHTTPServer on a free port of 127.0.0.1 answering www.dawn.com paths (module docstring)."""

    def __init__(self, directory: Path | None = SITE, delay: float = 0.0, fault_rate: float = 0.0, seed: int = 0,
                 extra: dict[str, tuple[int, dict, bytes]] | None = None, always_truncated: set[str] = frozenset(),
                 truncate_first: dict[str, int] | None = None):
        self.mirror = Mirror(directory) if directory is not None else None
        self.delay = delay
        self.fault_rate = fault_rate
        self.random = random.Random(seed)
        self.extra = extra or {}
        self.always_truncated = set(always_truncated)
        self.truncate_first = dict(truncate_first or {})
        self.requests: list[str] = []
        self.answers: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()
        self.server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.address}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def local_site_settings(self) -> dict:
        """The settings that send a crawl's www.dawn.com requests to this server."""
        return local_site_settings(self.port)

    def served_whole(self, path: str) -> bool:
        return "whole" in self.answers.get(path, [])

    # ---- what a subclass may change ---------------------------------------------------------------------
    def arrived(self, path: str, client_port: int) -> None:
        """Log a request as it arrives (before the delay)."""
        with self.lock:
            self.requests.append(SITE_ROOT + path)

    def respond(self, path: str, request_headers) -> tuple[int, dict | list[tuple[str, str]], bytes]:
        """The answer to a GET of `path` (headers as a dict, or a list of pairs when a name repeats)."""
        return self.page(path)

    def page(self, path: str) -> tuple[int, dict, bytes]:
        if path in self.extra:
            return self.extra[path]
        if self.mirror is None:
            return 404, {}, b""
        return self.mirror.answer(SITE_ROOT + path)

    def fault(self, path: str) -> str:
        """What this request of a page that exists gets: "whole" or one of FAULT_KINDS."""
        with self.lock:
            if path in self.always_truncated:
                return "truncate"
            if self.truncate_first.get(path, 0) > 0:
                self.truncate_first[path] -= 1
                return "truncate"
            if self.random.random() < self.fault_rate:
                return self.random.choice(FAULT_KINDS)
            return "whole"

    def fault_answer(self, kind: str) -> tuple[int, dict, bytes]:
        """The answer of a fault that is an HTTP error."""
        if kind == "retry_after":
            with self.lock:
                return 503, {"Retry-After": self.random.choice(HOSTILE_RETRY_AFTER)}, b""
        return 500, {}, b""

    def _handler_class(self):
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's name
                path = self.path
                site.arrived(path, self.client_address[1])
                if site.delay:
                    time.sleep(site.delay)
                status, headers, body = site.respond(path, self.headers)
                kind = site.fault(path) if status == 200 else "whole"
                with site.lock:
                    site.answers[path].append(kind)
                if kind == "reset":
                    self.close_connection = True
                    return
                if kind not in ("whole", "truncate"):
                    status, headers, body = site.fault_answer(kind)
                self.send_response(status)
                for name, value in headers.items() if isinstance(headers, dict) else headers:
                    self.send_header(name, value)
                self.send_header(*MARKER)
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


# the fault tests' and bench/hostile.py's name for the same server
FaultSite = LocalSite


class AnsweringServer(LocalSite):
    """The same server with no mirror: each GET answered by `answer(path, request_headers)`, which gives (status,
    headers, body) (the Common Crawl stubs, testing/commoncrawl_stub.py)."""

    def __init__(self, answer):
        super().__init__(directory=None)
        self.answer_function = answer

    def respond(self, path: str, request_headers):
        return self.answer_function(path, request_headers)


def local_site_settings(port: int) -> dict:
    """The settings that send a crawl's www.dawn.com requests to a local server on `port` (LocalSiteHandler)."""
    return {"NEWSCRAWL_LIVE_DOWNLOAD_HANDLER": "testing.local_site.LocalSiteHandler", "NEWSCRAWL_TEST_SITE_PORT": port}


class LocalSiteHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, sending www.dawn.com requests to the local site on 127.0.0.1."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.port = crawler.settings.getint("NEWSCRAWL_TEST_SITE_PORT")

    async def download_request(self, request):
        parts = urlsplit(request.url)
        local = request.replace(url=parts._replace(scheme="http", netloc=f"127.0.0.1:{self.port}").geturl())
        response = await super().download_request(local)
        return response.replace(url=request.url, request=request)
