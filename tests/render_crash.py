"""A render handler whose browser crashes: for tests/test_render_fallback.py (NEWSCRAWL_RENDER_HANDLER).

Scrapy-playwright's own handler, but one second into each render (or as soon after as the browser is up: a launch
can take longer than that on a loaded machine) every Chromium process this crawl started is killed (SIGKILL), as
when the browser crashes or the OOM killer takes it. Only the crawl's own descendants are
touched, found through /proc.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

CRASH_AFTER_SECONDS = 1.0


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def own_chromium_processes() -> list[int]:
    """Chromium processes descending from this process."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"chrom" not in command.split(b"\0", 1)[0]:
            continue
        pid, ancestor = int(entry.name), _parent_of(int(entry.name))
        while ancestor not in (None, 0, 1, me):
            ancestor = _parent_of(ancestor)
        if ancestor == me:
            found.append(pid)
    return found


RETRY_SECONDS, TRIES = 0.25, 40  # for up to 10 s more


def crash_browser(tries: int = TRIES) -> None:
    """Kill the browser; if it is not up (yet), try again shortly."""
    killed = 0
    for pid in own_chromium_processes():
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except ProcessLookupError:
            pass
    if not killed and tries > 1:
        asyncio.get_running_loop().call_later(RETRY_SECONDS, crash_browser, tries - 1)


class CrashingRenderHandler(ScrapyPlaywrightDownloadHandler):
    async def _download_request(self, request, spider=None):
        asyncio.get_running_loop().call_later(CRASH_AFTER_SECONDS, crash_browser)
        return await super()._download_request(request, spider)
