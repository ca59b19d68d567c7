"""Crash safety of recording: a SIGKILL loses at most the record being written, and the next run closes the file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive.recorder import WarcRecorder
from newscrawl.archive.recovery import close_abandoned, count_records
from testing import forked_process
from tests.conftest import SITE, run_crawl
from testing.local_site import LocalSite
from tests.test_warc_record import live_settings


def readable_records(path) -> int:
    """How many records warcio reads from a file before it stops or fails."""
    count = 0
    with open(path, "rb") as file:
        try:
            for _ in ArchiveIterator(file):
                count += 1
        except Exception:  # noqa: BLE001 - the torn tail
            pass
    return count


def test_a_record_cut_short_is_dropped_and_every_earlier_one_kept(tmp_path):
    recorder = WarcRecorder(tmp_path, 10**9, "test", "agent", "obey")
    for n in range(5):
        request = Request(f"https://www.dawn.com/news/{n}")
        recorder.record(request, HtmlResponse(request.url, body=f"<p>{n}</p>".encode() * 500, request=request))
    recorder.file.close()  # as a kill leaves it: never renamed
    [open_file] = tmp_path.glob("*.open")
    assert count_records(open_file) == 11  # warcinfo + 5 response/request pairs
    os.truncate(open_file, open_file.stat().st_size - 20)  # the last record (a request) cut short
    [closed] = close_abandoned(tmp_path)
    assert not list(tmp_path.glob("*.open")) and closed.name.endswith(".warc.gz")
    assert count_records(closed) == 10


def test_a_file_a_running_crawl_holds_is_left_open(tmp_path):
    recorder = WarcRecorder(tmp_path, 10**9, "test", "agent", "obey")
    request = Request("https://www.dawn.com/")
    recorder.record(request, HtmlResponse(request.url, body=b"<p>x</p>", request=request))
    assert close_abandoned(tmp_path) == []  # the recorder holds its flock
    recorder.close()
    assert [p.name.endswith(".warc.gz") for p in tmp_path.glob("newscrawl-*")] == [True]


def test_sigkill_during_a_recording_crawl(tmp_path):
    warc_dir = tmp_path / "warc"
    out = tmp_path / "out"
    settings = live_settings(None, NEWSCRAWL_WARC_DIR=warc_dir, CONCURRENT_REQUESTS="1")
    with LocalSite(SITE, delay=0.05) as site:
        settings["NEWSCRAWL_TEST_SITE_PORT"] = site.port
        command = [sys.executable, "-m", "scrapy", "crawl", "dawn", "-s", f"NEWSCRAWL_OUTPUT_DIR={out}",
                   "-s", f"NEWSCRAWL_STATE={out / 'state.sqlite'}", "-s", "NEWSCRAWL_SUMMARY=0",
                   *[f"-s{name}={value}" for name, value in settings.items()]]
        crawl = forked_process.start(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(site.requests) < 40:
                time.sleep(0.05)
            assert len(site.requests) >= 40, "the crawl did not get going"
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=30)
        finally:
            if crawl.poll() is None:
                crawl.kill()
        [open_file] = warc_dir.glob("*.warc.gz.open")
        before = readable_records(open_file)
        assert before >= 1 + 2 * 30  # warcinfo and (nearly) every download before the kill
        # the next run closes the file, keeping every record that read back
        result = run_crawl(tmp_path / "next", "-a", "urls=https://www.dawn.com/news/1918062", mirror=None,
                           settings={**settings, "NEWSCRAWL_WARC_DIR": warc_dir})
    assert result.stats["newscrawl/warc/recovered_files"] == 1
    assert not list(warc_dir.glob("*.open"))
    recovered = open_file.with_name(open_file.name.removesuffix(".open"))
    # reads to the end without error; at most the record being written at the kill is gone (warcio may have
    # yielded its header before failing on its cut-short payload)
    assert before - 1 <= count_records(recovered) <= before
