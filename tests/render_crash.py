"""A render handler whose browser crashes: for tests/test_render_fallback.py (NEWSCRAWL_RENDER_HANDLER).

Scrapy-playwright's own handler, but half a second after each render's page is created (so mid-render, never
mid-launch, however loaded the machine) every Chromium process this crawl started is killed (SIGKILL), as when the
browser crashes or the OOM killer takes it. Only the crawl's own descendants are
touched, found through /proc.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

CRASH_AFTER_SECONDS = 0.5


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


def crash_browser() -> None:
    for pid in own_chromium_processes():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class CrashingRenderHandler(ScrapyPlaywrightDownloadHandler):
    async def _create_page(self, request, spider):
        page = await super()._create_page(request, spider)
        asyncio.get_running_loop().call_later(CRASH_AFTER_SECONDS, crash_browser)
        return page
