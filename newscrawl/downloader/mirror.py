"""The mirror: a saved copy of the site as files, answering every request (setting NEWSCRAWL_MIRROR=DIR).

newscrawl.downloader.handler answers from it below every middleware, so a mirrored crawl runs the real scheduler,
downloader middlewares (robots.txt, retries, compression, ...), spider middlewares and pipelines exactly as a
live crawl does; only the bytes come from disk. DIR holds `manifest.jsonl`:

    {"url": "https://www.dawn.com/news/1532195/pompeo-...", "file": "news/1532195.html",
     "status": 200, "headers": {"Content-Type": "text/html; charset=utf-8"}}

`status` and `headers` are optional. A URL that is not listed answers 404, like a missing page.
"""

from __future__ import annotations

import json
from pathlib import Path

from newscrawl.urls import strip_query


class MirrorError(ValueError):
    """The mirror directory or its manifest is unusable; raised at start-up with the reason."""


class Mirror:
    """A loaded manifest: URL -> (path, status, headers). Pure data, no Scrapy."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        manifest = self.directory / "manifest.jsonl"
        if not manifest.is_file():
            raise MirrorError(f"NEWSCRAWL_MIRROR={directory}: no manifest.jsonl in that directory")
        self.entries: dict[str, dict] = {}
        for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                url, file = entry["url"], entry["file"]
            except (ValueError, KeyError, TypeError) as exc:
                raise MirrorError(f"{manifest}:{number}: not a manifest entry ({exc})") from None
            if not (self.directory / file).is_file():
                raise MirrorError(f"{manifest}:{number}: file {file!r} does not exist")
            self.entries[url] = entry

    def lookup(self, url: str) -> dict | None:
        """The entry for a URL; a query string the manifest does not list is ignored, as the site does."""
        return self.entries.get(url) or self.entries.get(strip_query(url))

    def answer(self, url: str) -> tuple[int, dict, bytes]:
        entry = self.lookup(url)
        if entry is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b""
        body = (self.directory / entry["file"]).read_bytes()
        return int(entry.get("status", 200)), dict(entry.get("headers") or {}), body
