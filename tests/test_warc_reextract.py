"""The offline site packed into a WARC (newscrawl-pack-mirror): the e2e crawl over it gives the mirror's items,
and re-extraction (-a from_archive=1) after a parser change emits exactly the changed articles."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from testing.chromium import BROWSER_CRAWL_TIMEOUT
from tests.conftest import EXPECTED, ROOT, SITE, rendering, run_crawl
from testing.generated_site import local_site_settings
from tests.test_warc_record import same_teasers, without_fetch_time

SITE_EXPECTED = json.loads((EXPECTED / "site.json").read_text())
RENDERED_IDS = set(SITE_EXPECTED["rendered_ids"])
STATIC_IDS = set(SITE_EXPECTED["article_ids"]) - RENDERED_IDS


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    path = tmp_path_factory.mktemp("packed") / "site.warc.gz"
    done = subprocess.run([sys.executable, "-m", "newscrawl.commands.pack_mirror", str(SITE), str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    manifest_lines = len((SITE / "manifest.jsonl").read_text().split("\n")) - 1
    assert done.stdout.strip() == f"{path}: {manifest_lines} pages"
    return path


def test_the_e2e_crawl_over_the_packed_mirror_gives_the_same_items(packed, offline_site_crawl, tmp_path):
    settings = {} if rendering() else {"NEWSCRAWL_RENDER": "0"}
    from_mirror = offline_site_crawl  # the run's one crawl of the mirror, with these settings
    from_warc = run_crawl(tmp_path / "warc", mirror=None, settings={**settings, "NEWSCRAWL_REPLAY": packed},
                          timeout=BROWSER_CRAWL_TIMEOUT)
    assert from_warc.stats["finish_reason"] == "finished"
    # without a browser the JavaScript pages are dropped: the static ones are all there either way
    want = STATIC_IDS if "NEWSCRAWL_RENDER" in settings else set(SITE_EXPECTED["article_ids"])
    assert {a["article_id"] for a in from_mirror.articles} == want
    assert without_fetch_time(from_warc.articles) == without_fetch_time(from_mirror.articles)
    same_teasers(from_warc.teasers, from_mirror.teasers, {a["article_id"] for a in from_mirror.articles})
    for key in ("downloader/request_count", "newscrawl/skipped/http_404"):
        assert from_warc.stats[key] == from_mirror.stats[key]


def test_reextraction_after_a_parser_change_emits_exactly_the_changed_articles(packed, tmp_path):
    out = tmp_path / "out"
    settings = {"NEWSCRAWL_REPLAY": packed, "NEWSCRAWL_RENDER": "0"}
    first = run_crawl(out, "-a", "from_archive=1", mirror=None, settings=settings)
    assert sorted(a["article_id"] for a in first.articles) == sorted(STATIC_IDS)
    assert {a["version"] for a in first.articles} == {1}
    # every article page of the archive once, robots.txt, and no discovery page
    assert first.stats["downloader/request_count"] == len(SITE_EXPECTED["article_ids"]) + 1
    assert "newscrawl/discovered_links" not in first.stats

    again = run_crawl(out, "-a", "from_archive=1", mirror=None, settings=settings)
    assert len(again.articles) == len(first.articles)  # same parser: nothing new written
    assert again.stats["newscrawl/dropped/unchanged_Article"] == len(STATIC_IDS)

    fixed = run_crawl(out, "-a", "from_archive=1", mirror=None,
                      settings={**settings, "SPIDER_MODULES": "tests.changed_parser_spider"})
    new_lines = fixed.articles[len(first.articles):]
    islamabad = {int(path.stem) for path in EXPECTED.glob("*.json")
                 if json.loads(path.read_text(encoding="utf-8")).get("article", {}).get("dateline") == "ISLAMABAD"}
    expected_changed = islamabad & STATIC_IDS  # the rendered pages are dropped in this crawl (no browser)
    assert len(expected_changed) == 4  # 1917668, 1918066, 1918071, 1918211
    assert sorted(a["article_id"] for a in new_lines) == sorted(expected_changed)
    assert {a["version"] for a in new_lines} == {2}
    assert all(not a["body"].startswith("ISLAMABAD:") for a in new_lines)
    assert fixed.stats["downloader/request_count"] == len(SITE_EXPECTED["article_ids"]) + 1


def test_from_archive_needs_an_archive(tmp_path):
    result = run_crawl(tmp_path / "out", "-a", "from_archive=1", mirror=None,
                       settings=local_site_settings(0))
    assert "needs -s NEWSCRAWL_REPLAY" in result.log
    assert result.articles == []


def test_an_archive_that_names_nothing_stops_the_crawl_before_it_starts(tmp_path):
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "dawn", "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path}",
                           "-s", "NEWSCRAWL_REPLAY=/nonexistent/*.warc.gz"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "NEWSCRAWL_REPLAY: '/nonexistent/*.warc.gz' names no WARC file" in done.stderr
