"""The offline replay: manifest loading, answers, and clear errors for a bad mirror."""

import json

import pytest

from newscrawl.downloader.mirror import Mirror, MirrorError
from tests.conftest import SITE, write_mirror


def test_answers_listed_urls_and_404s_the_rest(tmp_path):
    mirror = Mirror(write_mirror(tmp_path, {
        "https://www.dawn.com/news/1/a": (200, "text/html", b"<html>1</html>"),
        "https://www.dawn.com/gone": (410, "text/html", b"gone"),
    }))
    assert mirror.answer("https://www.dawn.com/news/1/a") == (200, {"Content-Type": "text/html"}, b"<html>1</html>")
    assert mirror.answer("https://www.dawn.com/news/1/a?utm_source=x")[0] == 200  # query ignored, as the site does
    assert mirror.answer("https://www.dawn.com/gone")[0] == 410
    assert mirror.answer("https://www.dawn.com/news/2")[0] == 404
    assert mirror.answer("https://images.dawn.com/news/1/a")[0] == 404


def test_status_and_headers_are_optional(tmp_path):
    (tmp_path / "p.html").write_text("<p>x</p>")
    (tmp_path / "manifest.jsonl").write_text(json.dumps({"url": "https://www.dawn.com/", "file": "p.html"}) + "\n\n")
    assert Mirror(tmp_path).answer("https://www.dawn.com/") == (200, {}, b"<p>x</p>")


@pytest.mark.parametrize("manifest, message", [
    (None, "no manifest.jsonl"),
    ("not json\n", "manifest.jsonl:1: not a manifest entry"),
    ('{"url": "https://www.dawn.com/"}\n', "not a manifest entry"),
    ('{"url": "https://www.dawn.com/", "file": "missing.html"}\n', "does not exist"),
])
def test_bad_mirrors_fail_with_the_reason(tmp_path, manifest, message):
    if manifest is not None:
        (tmp_path / "manifest.jsonl").write_text(manifest)
    with pytest.raises(MirrorError, match=message):
        Mirror(tmp_path)


def test_under_a_mirror_the_browser_resolves_no_name():
    """Chromium looks up names of its own (update and account services, prefetch) even when routing answers
    every page request: under a mirror every lookup fails, so nothing leaves the machine (checked with strace:
    no DNS query, where there were several before)."""
    from scrapy.settings import Settings

    from newscrawl import settings as project
    from newscrawl.downloader.offline import NO_NAME_RESOLVES, OfflineAddon

    offline = Settings({"PLAYWRIGHT_LAUNCH_OPTIONS": project.PLAYWRIGHT_LAUNCH_OPTIONS, "NEWSCRAWL_MIRROR": "x"})
    OfflineAddon().update_settings(offline)
    args = offline.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["args"]
    assert args == project.PLAYWRIGHT_LAUNCH_OPTIONS["args"] + [NO_NAME_RESOLVES]
    assert offline.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == "/usr/bin/chromium"
    live = Settings({"PLAYWRIGHT_LAUNCH_OPTIONS": project.PLAYWRIGHT_LAUNCH_OPTIONS})
    OfflineAddon().update_settings(live)
    assert NO_NAME_RESOLVES not in live.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["args"]


def test_one_handler_and_one_mirror_serve_http_and_https():
    """DOWNLOAD_HANDLERS maps both schemes to the routing handler: Scrapy asks for one per scheme, and gets the
    same one, with one loaded mirror (one browser, one WARC recorder)."""
    from scrapy.core.downloader.handlers import DownloadHandlers
    from scrapy.utils.test import get_crawler

    from newscrawl.downloader.offline import load_mirror
    from spiders.dawn import DawnSpider

    handler = "newscrawl.downloader.handler.RoutingDownloadHandler"
    crawler = get_crawler(DawnSpider, {"DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
                                       "NEWSCRAWL_MIRROR": str(SITE)})
    load_mirror.cache_clear()
    handlers = DownloadHandlers(crawler)
    assert handlers._get_handler("http") is handlers._get_handler("https")
    assert load_mirror.cache_info().misses == 1
