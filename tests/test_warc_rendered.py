"""Rendered pages are recorded as what the browser returned, and replayed from the archive without a browser.

The recording crawl runs over the mirror (NEWSCRAWL_WARC_DIR set explicitly), so that the browser's own requests
are answered offline; the three pages of the site that need JavaScript are rendered in real Chromium.
"""

from __future__ import annotations

import json

from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive.recorder import RENDERED_FIELD
from testing.chromium import BROWSER_CRAWL_TIMEOUT, require_chromium
from tests.conftest import EXPECTED, run_crawl
from tests.test_warc_record import without_fetch_time

SITE_EXPECTED = json.loads((EXPECTED / "site.json").read_text())
RENDERED_IDS = SITE_EXPECTED["rendered_ids"]


def test_rendered_pages_are_recorded_and_replayed_without_a_browser(tmp_path):
    require_chromium()
    warc_dir = tmp_path / "warc"
    urls = ",".join(f"https://www.dawn.com/news/{n}" for n in RENDERED_IDS)
    recorded = run_crawl(tmp_path / "rec", "-a", f"urls={urls}", settings={"NEWSCRAWL_WARC_DIR": warc_dir},
                         timeout=BROWSER_CRAWL_TIMEOUT)
    assert sorted(a["article_id"] for a in recorded.articles) == sorted(RENDERED_IDS)
    rendered, plain = {}, {}
    for path in warc_dir.glob("*.warc.gz"):
        with open(path, "rb") as file:
            for record in ArchiveIterator(file):
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                target = rendered if record.rec_headers.get_header(RENDERED_FIELD) else plain
                target[url] = (record.http_headers.get_statuscode(), record.content_stream().read())
    assert sorted(rendered) == sorted(f"https://www.dawn.com/news/{n}" for n in RENDERED_IDS)
    for url, (status, html) in rendered.items():
        assert status == "200"
        assert html != plain[url][1]  # the DOM the browser returned, not the page as downloaded

    replayed = run_crawl(tmp_path / "replay", "-a", f"urls={urls}", mirror=None,
                         settings={"NEWSCRAWL_REPLAY": warc_dir}, timeout=BROWSER_CRAWL_TIMEOUT)
    assert without_fetch_time(replayed.articles) == without_fetch_time(recorded.articles)
    assert replayed.stats["newscrawl/replay/rendered"] == len(RENDERED_IDS)
    assert not [k for k in replayed.stats if k.startswith("playwright/")]  # no browser was started
