"""Recording a live-style crawl into WARC files, and replaying them.

The crawl runs against a real HTTP server on 127.0.0.1 serving the offline site (testing/local_site.py), with
www.dawn.com mapped onto it by the live download handler: nothing else differs from a live crawl. Rendering
is off in this crawl (the browser would go to the network for www.dawn.com); rendered pages are recorded in
test_warc_rendered.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
from warcio.archiveiterator import ArchiveIterator

from newscrawl.urls import article_id_from_url
from tests.conftest import SITE, run_crawl
from testing.generated_site import local_site_settings
from testing.local_site import MARKER, LocalSite

MAX_BYTES = 300_000  # small, so that the first crawl rotates its files


def live_settings(site: LocalSite | None, **more) -> dict:
    return {**local_site_settings(site.port if site else 0), "NEWSCRAWL_RENDER": "0", "DOWNLOAD_DELAY": "0",
            "AUTOTHROTTLE_ENABLED": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8", **more}


def records(path) -> list:
    """(type, WARC headers, HTTP headers or None) of every record, read with warcio."""
    with open(path, "rb") as file:
        return [(r.rec_type, r.rec_headers, r.http_headers) for r in ArchiveIterator(file)]


# the tests share a module fixture (recorded): under pytest-xdist (--dist loadgroup) they run in one process
pytestmark = pytest.mark.xdist_group("warc_record")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    base = tmp_path_factory.mktemp("warc")
    warc_dir = base / "warc"
    with LocalSite(SITE) as site:
        first = run_crawl(base / "first", mirror=None, settings=live_settings(
            site, NEWSCRAWL_WARC_DIR=warc_dir, NEWSCRAWL_WARC_MAX_BYTES=MAX_BYTES))
        files_after_first = sorted(warc_dir.glob("*.warc.gz"))
        # the same crawl again, same store and WARC directory: the site has not changed
        second = run_crawl(base / "first", mirror=None, settings=live_settings(site, NEWSCRAWL_WARC_DIR=warc_dir))
        served = len(site.requests)
        replayed = run_crawl(base / "replayed", mirror=None, settings={"NEWSCRAWL_REPLAY": warc_dir, "NEWSCRAWL_RENDER": "0"})
        assert len(site.requests) == served  # the replay sent the server nothing
    return {"first": first, "second": second, "replayed": replayed, "dir": warc_dir,
            "first_files": files_after_first, "site_requests": served}


def test_the_first_crawl_worked(recorded):
    first = recorded["first"]
    assert first.stats["finish_reason"] == "finished"
    assert len(first.articles) == 34  # the 37 of the site less the 3 that need JavaScript (rendering is off)
    assert first.stats["newscrawl/dropped/needs_render"] == 3


def test_warcio_index_and_archive_iterator_read_every_file(recorded):
    files = sorted(recorded["dir"].glob("*.warc.gz"))
    assert len(recorded["first_files"]) >= 2  # rotated at NEWSCRAWL_WARC_MAX_BYTES
    assert not list(recorded["dir"].glob("*.open"))  # every file closed
    for path in files:
        done = subprocess.run([sys.executable, "-m", "warcio.cli", "index", str(path)], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0 and not done.stderr, done.stderr
        assert len(done.stdout.splitlines()) == len(records(path))
        kinds = [kind for kind, _, _ in records(path)]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1


def test_files_sort_by_time_and_rotate_at_max_bytes(recorded):
    files = recorded["first_files"]
    dates = [records(path)[0][1].get_header("WARC-Date") for path in files]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    for path in files[:-1]:  # closed once past the limit: the overshoot is one request/response pair at most
        assert MAX_BYTES <= path.stat().st_size < MAX_BYTES + 200_000


def test_each_response_once_with_its_request_and_real_headers(recorded):
    first = recorded["first"]
    by_type, responses, requests = Counter(), Counter(), {}
    response_ids = set()
    for path in recorded["first_files"]:
        for kind, warc, http in records(path):
            by_type[kind] += 1
            if kind == "response":
                responses[warc.get_header("WARC-Target-URI")] += 1
                response_ids.add(warc.get_header("WARC-Record-ID"))
                assert warc.get_header("WARC-Payload-Digest").startswith("sha1:")
                assert warc.get_header("WARC-Date")
                # what the server really sent: its status line and its headers
                assert http.protocol == "HTTP/1.1" and http.get_header(MARKER[0]) == MARKER[1]
                assert http.get_header("Server", "").startswith("BaseHTTP")
            elif kind == "request":
                requests[warc.get_header("WARC-Concurrent-To")] = http.get_header("User-Agent")
    assert set(responses.values()) == {1}
    assert by_type["response"] == first.stats["downloader/response_count"] == recorded["site_requests"] - \
        recorded["second"].stats["downloader/response_count"]
    assert set(requests) == response_ids  # every response has its request, pointing to it
    assert all(agent.startswith("newscrawl/") for agent in requests.values())
    statuses = Counter()
    for path in recorded["first_files"]:
        for kind, _, http in records(path):
            if kind == "response":
                statuses[http.get_statuscode()] += 1
    assert statuses["404"] == first.stats["newscrawl/skipped/http_404"]  # error answers are recorded too
    assert "https://www.dawn.com/robots.txt" in responses


def test_an_unchanged_second_crawl_writes_revisits(recorded):
    second = recorded["second"]
    new_files = sorted(set(recorded["dir"].glob("*.warc.gz")) - set(recorded["first_files"]))
    assert len(new_files) == 1
    kinds = Counter(kind for kind, _, _ in records(new_files[0]))
    assert kinds["response"] == 0
    assert kinds["revisit"] == second.stats["downloader/response_count"] > 0
    for kind, warc, http in records(new_files[0]):
        if kind == "revisit":
            assert warc.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
            assert warc.get_header("WARC-Refers-To-Target-URI") == warc.get_header("WARC-Target-URI")
            assert warc.get_header("WARC-Refers-To-Date") < warc.get_header("WARC-Date")
            assert http.get_statuscode()  # the revisit keeps this visit's status and headers


def without_fetch_time(items: list[dict]) -> dict:
    return {item["article_id"]: {k: v for k, v in item.items() if k != "fetched_at"} for item in items}


def same_teasers(replayed: list[dict], original: list[dict], article_ids: set[int]) -> None:
    """Field by field, fetch time aside; first_seen_on (the page whose teaser reached the deduplicate pipeline
    first) depends on how the responses' items interleave, which differs between a crawl over HTTP and one from
    disk: it must be, in both, a listing or one of the articles the crawl emitted (their pages show the sidebar)."""
    def comparable(items):
        return {k: {f: v for f, v in item.items() if f != "first_seen_on"} for k, item in without_fetch_time(items).items()}

    assert comparable(replayed) == comparable(original)
    for item in replayed + original:
        article_id = article_id_from_url(item["first_seen_on"])
        assert article_id is None or article_id in article_ids, item


def test_replay_gives_the_same_items_field_by_field(recorded):
    first, replayed = recorded["first"], recorded["replayed"]
    assert replayed.stats["finish_reason"] == "finished"
    assert without_fetch_time(replayed.articles) == without_fetch_time(first.articles)
    same_teasers(replayed.teasers, first.teasers, {a["article_id"] for a in first.articles})
    hosts = {k.rsplit("/", 1)[1] for k in replayed.stats if k.startswith("newscrawl/requests_by_host/")}
    assert hosts == {"www.dawn.com"}
    assert replayed.stats["newscrawl/replay/hit"] > 0
    # a replay records nothing unless asked
    assert not (replayed.output_dir / "warc").exists()


def test_a_live_crawl_records_by_default_under_the_output_dir(tmp_path):
    with LocalSite(SITE) as site:
        result = run_crawl(tmp_path / "out", "-a", "urls=https://www.dawn.com/news/1918062", mirror=None,
                           settings=live_settings(site))
    files = list((tmp_path / "out" / "warc").glob("*.warc.gz"))
    assert len(files) == 1 and result.articles
    urls = [warc.get_header("WARC-Target-URI") for kind, warc, _ in records(files[0]) if kind == "response"]
    assert sorted(urls) == ["https://www.dawn.com/news/1918062", "https://www.dawn.com/robots.txt"]
    with open(files[0], "rb") as file:
        warcinfo = next(iter(ArchiveIterator(file)))
        fields = warcinfo.content_stream().read().decode()
    assert warcinfo.rec_type == "warcinfo" and warcinfo.rec_headers.get_header("WARC-Filename") == files[0].name
    assert "software: newscrawl" in fields and "robots: obey" in fields
    assert "http-header-user-agent: newscrawl/" in fields
