"""The browser stays home (#9 item 3): a rendered page's scripts reach no other host, and Chromium itself sends
nothing out. Real Chromium (/usr/bin/chromium), never skipped under CI=true.

Listeners on 127.0.0.2 (TCP and UDP; another host than the page's) wait for each probe the page makes: a
`window.open` popup, a WebSocket, a WebRTC STUN request, a fetch. Chromium is started with a proxy that is a
third listener, so whatever the browser itself sends out (its update, safe-browsing, sync, ... services) is seen.
The page's own requests are answered from the mirror by routing, so a request through the proxy is a leak.
The launch options replace the project's (no host-resolver rule, which would hide leaks behind failed lookups):
the isolation switches and the wall must come from newscrawl.downloader.browser whatever the options are.
"""

import json
import time

import pytest

from bench.probes import PROBE_PAGE, PROBE_URL as URL, PROBED_HOST, Listener
from testing.chromium import BROWSER_CRAWL_TIMEOUT, require_chromium
from testing.files import write_mirror

# what Debian's Chromium calls on its own, switches or not (seen at the wall)
GOOGLE_SERVICES = {"update.googleapis.com", "accounts.google.com", "clients2.google.com", "www.google.com",
                   "optimizationguide-pa.googleapis.com", "content-autofill.googleapis.com"}

# the tests share a module fixture (probed): under pytest-xdist (--dist loadgroup) they run in one process
pytestmark = pytest.mark.xdist_group("browser_isolation")


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    require_chromium()
    from testing.crawls import run_crawl

    tmp = tmp_path_factory.mktemp("isolation")
    probes, wall = Listener(PROBED_HOST), Listener("127.0.0.1")
    try:
        page = PROBE_PAGE.format(host=PROBED_HOST, tcp=probes.tcp.getsockname()[1], udp=probes.udp.getsockname()[1])
        mirror = write_mirror(tmp / "mirror", {URL: (200, "text/html; charset=utf-8", page.encode())})
        launch = {"executable_path": "/usr/bin/chromium", "headless": True, "args": ["--no-sandbox"]}
        result = run_crawl(tmp / "out", "-a", f"urls={URL}", mirror=mirror, timeout=BROWSER_CRAWL_TIMEOUT,
                           settings={"PLAYWRIGHT_LAUNCH_OPTIONS": json.dumps(launch), "NEWSCRAWL_RENDER_WAIT": "8",
                                     "NEWSCRAWL_BROWSER_WALL": f"127.0.0.1:{wall.tcp.getsockname()[1]}"})
        time.sleep(1)  # a probe's packet in flight when the crawl ended still arrives
    finally:
        probes.close()
        wall.close()
    return result, probes.seen, wall.seen


def test_the_probe_page_rendered(probed):
    result, _, _ = probed
    assert result.stats["finish_reason"] == "finished", result.log[-3000:]
    assert [a["body"] for a in result.articles] == ["KARACHI: Filled after the probes."], result.log[-3000:]


def test_no_probe_reached_another_host(probed):
    _, probes, _ = probed
    assert probes == [], probes


def test_the_wall_stopped_the_browser_itself_and_no_page_request(probed):
    """What reaches the wall would have left the machine without it. No probe of the page does (routing aborts
    them before any connection); Chromium itself still tries Google's services despite its switches, and opens
    speculative connections (to the page's own host, or to the wall with nothing sent): all stopped there."""
    _, _, wall = probed
    assert not [line for line in wall if PROBED_HOST in line], wall
    named = {line.split()[2].split("/")[2 if "://" in line else 0].split(":")[0]
             for line in wall if line != "tcp (nothing sent)"}
    assert named <= GOOGLE_SERVICES | {"www.dawn.com"}, wall


def test_the_probes_were_blocked_and_counted(probed):
    stats = probed[0].stats
    assert stats["newscrawl/render/blocked/websocket"] >= 1
    assert stats["newscrawl/render/blocked/other_host"] >= 2  # fetch, image; the popup's document


def test_the_wall_and_switches_are_added_to_any_launch_options():
    from scrapy.settings import Settings

    from newscrawl import settings as project_settings
    from newscrawl.downloader.browser import BrowserIsolationAddon
    from newscrawl.downloader.offline import OfflineAddon

    def launch_args(**overrides) -> list[str]:
        settings = Settings()
        settings.setmodule(project_settings, priority="project")
        settings.setdict(overrides, priority="cmdline")
        OfflineAddon().update_settings(settings)
        BrowserIsolationAddon().update_settings(settings)
        return settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["args"]

    live = launch_args()
    assert "--proxy-server=http://127.0.0.1:9" in live
    assert "--proxy-bypass-list=www.dawn.com;<-loopback>" in live  # a live crawl reaches the site, nothing else
    assert "--force-webrtc-ip-handling-policy=disable_non_proxied_udp" in live
    mirrored = launch_args(NEWSCRAWL_MIRROR="fixtures/site")
    assert "--proxy-bypass-list=<-loopback>" in mirrored  # offline: no host at all
    assert "--proxy-bypass-list=<-loopback>" in launch_args(NEWSCRAWL_REPLAY="site.warc.gz")  # a WARC replay too
    given = launch_args(PLAYWRIGHT_LAUNCH_OPTIONS={"args": ["--proxy-server=http://proxy.example:3128"]})
    assert [a for a in given if a.startswith("--proxy")] == ["--proxy-server=http://proxy.example:3128"]
    assert "--disable-component-update" in given
