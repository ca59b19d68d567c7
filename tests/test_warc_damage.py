"""Damaged WARC archives (#20 class 8): replay reads on past garbage between records, a wrong Content-Length and a
gzip member with a flipped byte, losing only the damaged records; counts what it could not read per file in the
stats, last_crawl.json and the log; exits 10; reads a `.warc.gz` written as one gzip stream; and rebuilds an index
whose scan was incomplete. The archives are built by hand (testing/damaged_warc.py) so what must survive is known."""

from __future__ import annotations

import json
import shutil

from newscrawl.archive.replay import Archive
from testing.crawls import run_crawl
from testing.damaged_warc import STATIC_IDS, damaged_gzip_warc, damaged_plain_warc, member, one_stream_warc, site_records

REPLAY = {"NEWSCRAWL_RENDER": "0"}


def test_a_crawl_over_damaged_archives_loses_only_the_damaged_records_and_says_so(tmp_path):
    archives = tmp_path / "warc"
    archives.mkdir()
    _, kept_gzip = damaged_gzip_warc(archives / "a.warc.gz", STATIC_IDS[:8])
    _, kept_plain = damaged_plain_warc(archives / "b.warc", STATIC_IDS[8:16])
    assert len(kept_gzip) == 5 and len(kept_plain) == 6
    settings = {**REPLAY, "NEWSCRAWL_REPLAY": archives}
    result = run_crawl(tmp_path / "out", "-a", "from_archive=1", mirror=None, settings=settings)
    assert {a["article_id"] for a in result.articles} == kept_gzip | kept_plain
    # 4 regions: the garbage, the short and the long Content-Length, the flipped member; 3 in the plain file
    assert result.stats["newscrawl/replay/unreadable/a.warc.gz"] == 4
    assert result.stats["newscrawl/replay/unreadable/b.warc"] == 3
    assert result.stats["newscrawl/replay/damaged_files"] == 2
    assert result.returncode == 10, result.log[-2000:]
    assert "a.warc.gz: 4 regions could not be read" in result.log  # in the crawl's log, not only on stderr early
    # the next run reuses the index (the scan was complete) and reports the damage again
    sidecar = json.loads((archives / "a.warc.gz.cdxj").read_text().split("\n", 1)[0][6:])
    assert (sidecar["complete"], sidecar["damaged"]) == (True, 4)
    again = run_crawl(tmp_path / "again", "-a", "from_archive=1", mirror=None, settings=settings)
    assert {a["article_id"] for a in again.articles} == kept_gzip | kept_plain
    assert "(as its index says)" in again.log
    assert again.stats["newscrawl/replay/unreadable/a.warc.gz"] == 4 and again.returncode == 10


def test_a_warc_gz_written_as_one_gzip_stream_replays_every_article(tmp_path):
    path = one_stream_warc(tmp_path / "one-stream.warc.gz")
    result = run_crawl(tmp_path / "out", "-a", "from_archive=1", mirror=None,
                       settings={**REPLAY, "NEWSCRAWL_REPLAY": path})
    assert sorted(a["article_id"] for a in result.articles) == STATIC_IDS
    assert not any(k.startswith("newscrawl/replay/unreadable") for k in result.stats)
    assert result.returncode != 10


def test_an_index_whose_scan_was_incomplete_or_older_is_rebuilt(tmp_path):
    path, kept = damaged_gzip_warc(tmp_path / "a.warc.gz", STATIC_IDS[:8])
    assert Archive(str(path)).index.counts["files_indexed"] == 1
    sidecar = tmp_path / "a.warc.gz.cdxj"
    meta, rest = sidecar.read_text().split("\n", 1)
    for changed in ('"complete": false', '"version": 1'):
        key = changed.split(":")[0]
        original = next(part for part in meta.split(", ") if part.startswith(key) or part.startswith("{" + key))
        sidecar.write_text(meta.replace(original.strip("{}"), changed) + "\n" + rest)
        rebuilt = Archive(str(path))
        assert (rebuilt.index.counts["files_indexed"], rebuilt.index.counts["sidecar_reused"]) == (1, 0), changed
        assert len(rebuilt.article_urls()) == len(kept)
    assert Archive(str(path)).index.counts["sidecar_reused"] == 1


def test_the_torn_tail_of_an_open_file_is_no_damage(tmp_path):
    records = site_records(STATIC_IDS[:3])
    data = b"".join(member(record) for _, record in records)
    path = tmp_path / "x.warc.gz.open"
    path.write_bytes(data[:-200])  # the last record is being written
    archive = Archive(str(path))
    assert archive.index.damaged == {} and archive.index.counts["open_tail"] == 1
    assert len(archive.article_urls()) == 2
    shutil.copy(path, tmp_path / "closed.warc.gz")  # the same bytes in a closed file: damage
    assert Archive(str(tmp_path / "closed.warc.gz")).index.damaged == {str(tmp_path / "closed.warc.gz"): 1}


def test_garbage_before_the_first_record_and_records_ended_short_cost_nothing_more(tmp_path):
    records = site_records(STATIC_IDS[:2])
    gzip_file = tmp_path / "lead.warc.gz"
    gzip_file.write_bytes(b"junk\r\n" * 10 + b"".join(member(record) for _, record in records))
    archive = Archive(str(gzip_file))
    assert len(archive.article_urls()) == 2 and archive.index.damaged == {str(gzip_file): 1}
    plain = tmp_path / "short.warc"  # each record ended by one CRLF, not two: read, and no damage
    plain.write_bytes(b"".join(record[:-2] for _, record in records))
    archive = Archive(str(plain))
    assert len(archive.article_urls()) == 2 and archive.index.damaged == {}
    assert archive.answer(archive.article_urls()[0])[2].rstrip().endswith(b"</html>")
