"""The Common Crawl backfill's politeness towards the stub servers (testing/commoncrawl_stub.py): the gaps between
requests, the back-off in a 503/504 storm, and giving up on a permanent refusal with one line and a non-zero exit."""

from __future__ import annotations

import statistics

import pytest

from testing.commoncrawl_stub import CommonCrawlStub
from testing.crawls import run_crawl
from tests.test_commoncrawl import RANGE, backfill, by_id
from testing.commoncrawl_warcs import expected_ids

# seconds: how much later than sent a stub's handler thread may stamp a request on a loaded machine (2 cores, the
# suite on 3 processes: 0.21 s was seen; on 6: 0.4 s)
JITTER = 0.25
GAP = 0.4  # seconds, both servers, in the storm: well above JITTER, so a short gap is told from a late stamp


def gaps(hits) -> list[float]:
    times = sorted(hit.at for hit in hits)  # in the order they arrived, whichever handler thread logged first
    return [later - earlier for earlier, later in zip(times, times[1:])]


def assert_gaps_kept(hits, gap: float) -> None:
    """Requests at least `gap` apart, as far as the server's log can show. The stub stamps a request when its
    handler thread runs, which on a loaded machine can be late; a late stamp makes its gap longer and the next one
    shorter by as much (the client sends its next request only once the answer is back). So a gap may be short
    only right after a gap that is long by as much, and the median gap, which a few late stamps do not move, is the
    gap itself. Two requests sent together fail: their gap is short and the one before it is not long; so do gaps a
    little short every time: the median shows them."""
    spaced = gaps(hits)
    for before, this in zip([gap, *spaced], spaced):
        assert this >= gap - JITTER or before + this >= 2 * gap - JITTER, [round(g, 3) for g in spaced]
    assert statistics.median(spaced) >= gap - 0.05, [round(g, 3) for g in spaced]


def assert_backoff_kept(spaced: list[float], want: list[float], waited: float) -> None:
    """The storm's first gaps: each its back-off, at most 0.5 s longer. A late stamp shortens a gap and lengthens
    the one before it, so a short gap passes when it and the one before make up their two back-offs together. The
    first gap has none before it (a late stamp of the first request was seen: 0.33 s for 0.8 s): it passes short
    only when the client's own clock (its waited seconds, in the stats) shows at least the back-offs waited."""
    for k, (w, got) in enumerate(zip(want, spaced)):
        assert got <= w + 0.5, spaced
        if got < w - JITTER:
            assert (spaced[k - 1] + got >= want[k - 1] + w - JITTER) if k else waited >= sum(want) - JITTER, \
                (spaced, waited)


def test_the_gap_check_tells_a_late_stamp_from_a_short_gap():
    from types import SimpleNamespace

    def hits(*times):
        return [SimpleNamespace(at=t) for t in times]

    assert_gaps_kept(hits(0, 0.4, 0.8, 1.2, 1.6), GAP)
    assert_gaps_kept(hits(0, 0.4, 1.2, 1.21, 1.6, 2.0), GAP)  # the third stamped 0.4 s late
    for sent_together in (hits(0, 0.4, 0.41, 0.8, 1.2), hits(0, 0.01, 0.4, 0.8)):
        with pytest.raises(AssertionError):
            assert_gaps_kept(sent_together, GAP)
    with pytest.raises(AssertionError):
        assert_gaps_kept(hits(0, 0.3, 0.6, 0.9, 1.2), GAP)  # a little short every time
    want = [0.8, 1.6, 2.0]
    assert_backoff_kept([0.8, 1.6, 2.0, 0.4], want, waited=4.4)
    assert_backoff_kept([0.33, 1.6, 2.0], want, waited=4.4)  # the first request stamped late
    assert_backoff_kept([0.8, 2.0, 1.6], want, waited=4.4)  # the third stamped late
    for no_backoff in ([0.4, 0.4, 0.4], [0.8, 0.4, 0.4]):
        with pytest.raises(AssertionError):
            assert_backoff_kept(no_backoff, want, waited=1.2)


def test_a_503_504_storm_on_both_servers_slows_the_backfill_down_and_it_finishes(tmp_path):
    with CommonCrawlStub() as stub:
        stub.index.script = [503, 504, 503]
        stub.data.script = [503, 504, 503, 503]
        result = backfill(stub, tmp_path / "out", NEWSCRAWL_CC_INDEX_DELAY=str(GAP), NEWSCRAWL_CC_DATA_DELAY=str(GAP),
                          NEWSCRAWL_CC_MAX_BACKOFF=str(5 * GAP))
        assert result.returncode == 0, result.log[-3000:]
        assert set(by_id(result.articles)) == expected_ids()
        for server, name, storm in ((stub.index, "index", 3), (stub.data, "data", 4)):
            assert_gaps_kept(server.log, GAP)
            # after each refusal the next request waits longer: twice the gap, doubling, at most the maximum
            assert_backoff_kept(gaps(server.log), [2 * GAP, 4 * GAP, 5 * GAP, 5 * GAP][:storm],
                                result.stats[f"newscrawl/commoncrawl/{name}_waited_seconds"])
            assert [hit.status for hit in server.log[:storm]] == ([503, 504, 503] if storm == 3 else
                                                                  [503, 504, 503, 503])
    stats = result.stats
    assert stats["newscrawl/commoncrawl/index_refused/http_503"] == 2
    assert stats["newscrawl/commoncrawl/index_refused/http_504"] == 1
    assert stats["newscrawl/commoncrawl/data_refused/http_503"] == 3


@pytest.mark.parametrize("server", ["index", "data"])
def test_a_permanent_refusal_ends_with_one_line_and_a_non_zero_exit(server, tmp_path):
    with CommonCrawlStub() as stub:
        getattr(stub, server).refuse = True
        result = backfill(stub, tmp_path / "out", NEWSCRAWL_CC_MAX_ATTEMPTS="3", NEWSCRAWL_CC_MAX_BACKOFF="0.3")
        attempts = len(getattr(stub, server).log)
    assert result.returncode == 3, result.log[-3000:]
    assert attempts == 3  # then it stopped asking
    errors = [line for line in result.log.splitlines() if "ERROR" in line and "kept refusing" in line]
    assert errors and errors[0].endswith(f"the last answered http_503"), errors
    assert f"Common Crawl's {server} server kept refusing: 3 attempts in a row, the last at http://127.0.0.1:" in errors[0]
    assert len(errors) == 1  # said once, however many requests were waiting
    assert result.stats["finish_reason"] == "commoncrawl_refused"
    assert result.articles == []


def test_the_default_gaps_hold(tmp_path):
    """The defaults, on a few requests: >= 1 s between index requests, >= 0.5 s between record requests."""
    with CommonCrawlStub() as stub:
        out = tmp_path / "out"
        result = run_crawl(out, *RANGE, "-a", "crawls=CC-MAIN-2025-30", mirror=None,
                           settings={"NEWSCRAWL_CC_INDEX": stub.index.url, "NEWSCRAWL_CC_DATA": stub.data.url,
                                     "NEWSCRAWL_CC_DIR": tmp_path / "cc", "NEWSCRAWL_RENDER": "0"})
        assert result.returncode == 0, result.log[-3000:]
        assert len(stub.index.log) == 3 and len(stub.data.log) == 3  # collinfo, page count, page 0; 3 records
        assert_gaps_kept(stub.index.log, 1.0)
        assert_gaps_kept(stub.data.log, 0.5)
    assert {a["cc_crawl"] for a in result.articles} == {"CC-MAIN-2025-30"}




def test_a_crawl_collinfo_does_not_list_stops_the_backfill_with_one_line(tmp_path):
    with CommonCrawlStub() as stub:
        result = backfill(stub, tmp_path / "out", "-a", "crawls=CC-MAIN-2019-04")
        assert [hit.path for hit in stub.index.log] == ["/collinfo.json"] and stub.data.log == []
    assert result.returncode == 3
    errors = [line for line in result.log.splitlines() if "] ERROR: " in line]
    assert len(errors) == 1 and errors[0].endswith(
        "Common Crawl backfill stopped: -a crawls: CC-MAIN-2019-04 not in collinfo.json "
        "(newest: CC-MAIN-2025-30, CC-MAIN-2025-28, CC-MAIN-2025-26)"), errors
