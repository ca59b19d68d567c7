"""newscrawl-export on a real crawl of the offline site and on hand-written lines: read back with pyarrow (DuckDB
wrote the Parquet), exact against the JSON lines; versions; workers' files; filters; bad lines; CC-News."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date

import pyarrow.parquet as pq
import pytest

from newscrawl.commands.export import main
from newscrawl.items import Article, EditorialTeaser
from newscrawl.export.tables import ARTICLES, TEASERS
from tests.conftest import ROOT, read_jsonl, run_crawl
from tests.export_helpers import article, instant, read_back, write_lines

# its module fixture (one crawl) is built once: the module's tests run in one xdist process
pytestmark = pytest.mark.xdist_group("export")


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """A crawl of the offline site (37 Articles, 11 teasers)."""
    out = tmp_path_factory.mktemp("crawl") / "out"
    result = run_crawl(out, settings={"NEWSCRAWL_PROGRESS": 0})
    assert result.returncode == 0, result.log[-2000:]
    assert len(result.articles) == 37
    return out


def test_every_item_field_is_a_typed_column():
    assert list(ARTICLES.columns) == [f for f in Article.__dataclass_fields__]
    assert list(TEASERS.columns) == [f for f in EditorialTeaser.__dataclass_fields__]


def test_real_crawl_exports_one_row_per_article_exact_and_typed(real, tmp_path, capsys):
    assert main(["--from", str(real), "--to", str(tmp_path / "ds")]) == 0
    assert "articles: 37 rows written (37 new, 0 changed" in capsys.readouterr().out
    lines = {line["article_id"]: line for line in read_jsonl(real / "articles.jsonl")}
    rows = read_back(tmp_path / "ds")
    assert [row["article_id"] for row in rows] == sorted(lines)
    for row in rows:
        line = lines[row["article_id"]]
        for field in ("url", "title", "summary", "authors", "section", "dateline", "body", "tags", "language",
                      "content_hash", "extractor", "version", "item_type"):
            assert row[field] == line[field], field
        assert row["images"] == line["images"]  # a list of {url, caption} structs
        edition = line["print_edition"]
        assert row["print_edition"] == (edition and {**edition, "date": date.fromisoformat(edition["date"])})
        for field in ("published_at", "updated_at", "fetched_at"):  # the same instants, timezone-aware
            assert row[field] == (line[field] and instant(line[field])), field
        assert row["extra"] is None
        # the partition is the publication month in Pakistan time (the pages' own +05:00)
        assert row["published_month"] == line["published_at"][:7]
    months = sorted(p.name for p in (tmp_path / "ds" / "articles").iterdir())
    assert months == ["published_month=2020-02", "published_month=2025-06"]
    schema = pq.read_schema(next((tmp_path / "ds" / "articles").rglob("*.parquet")))
    assert str(schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert str(schema.field("article_id").type) == "int64"
    assert str(schema.field("images").type) == "list<element: struct<url: string, caption: string>>"
    teasers = read_back(tmp_path / "ds", "teasers")
    assert sorted(t["article_id"] for t in teasers) == sorted({t["article_id"] for t in read_jsonl(
        real / "editorial_teasers.jsonl")})
    card = (tmp_path / "ds" / "README.md").read_text()
    assert "37 article rows (37 articles), published 2020-02-03 to 2025-06-19" in card
    assert "permission" in card and "Provenance" in card


def test_latest_keeps_the_highest_version_and_all_versions_keeps_each_in_order(tmp_path):
    write_lines(tmp_path / "out" / "articles.w1.jsonl", [article(1, 1), article(2, 1), article(3, 2)])
    write_lines(tmp_path / "out" / "articles.w2.jsonl", [
        article(1, 3), article(1, 2),  # written out of order by another worker
        article(2, 1, fetched_at="2025-06-19T13:00:00+00:00"),  # version 1 again, fetched later (overlapping runs)
        article(3, 2, fetched_at="2025-06-20T00:00:00+00:00", title="Story 3 refetched")])  # tie: later fetch wins
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "latest")]) == 0
    latest = read_back(tmp_path / "latest")
    assert [(r["article_id"], r["version"], r["title"]) for r in latest] == [
        (1, 3, "Story 1 v3"), (2, 1, "Story 2 v1"), (3, 2, "Story 3 refetched")]
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "all"), "--all-versions"]) == 0
    every = read_back(tmp_path / "all")
    # one row per (id, version, content): the second copy of 2 v1 is the same version; 3 v2 twice has one hash
    assert [(r["article_id"], r["version"]) for r in every] == [(1, 1), (1, 2), (1, 3), (2, 1), (3, 2)]
    assert next(r for r in every if r["article_id"] == 2)["fetched_at"] == instant("2025-06-19T11:00:00+00:00")
    (part,) = (tmp_path / "all" / "articles").rglob("*.parquet")  # stored in order, as written
    stored = pq.read_table(part, columns=["article_id", "version"]).to_pylist()
    assert [(r["article_id"], r["version"]) for r in stored] == [(1, 1), (1, 2), (1, 3), (2, 1), (3, 2)]


def test_four_workers_overlapping_runs_export_the_same_rows_as_one_merged_file(real, tmp_path):
    lines = read_jsonl(real / "articles.jsonl")
    changed = [dict(line, version=2, title=line["title"] + " (updated)", content_hash="changed",
                    fetched_at="2026-01-01T00:00:00+00:00") for line in lines[::5]]
    merged = lines + changed
    for worker in range(4):  # round robin, and each worker repeats a slice of the one before (an overlapping run)
        own = merged[worker::4] + merged[(worker - 1) % 4::4][:3]
        write_lines(tmp_path / "workers" / f"articles.w{worker}.jsonl", own)
    write_lines(tmp_path / "merged" / "articles.jsonl", merged)
    for mode in ([], ["--all-versions"]):
        for source in ("workers", "merged"):
            assert main(["--from", str(tmp_path / source), "--to", str(tmp_path / f"{source}{len(mode)}"), *mode]) == 0
        from_workers, from_merged = read_back(tmp_path / f"workers{len(mode)}"), read_back(tmp_path / f"merged{len(mode)}")
        assert from_workers == from_merged
        assert len(from_workers) == (37 if not mode else 37 + len(changed))
    assert sum(r["version"] == 2 for r in read_back(tmp_path / "workers0")) == len(changed)


def test_filters_use_the_pakistan_day_and_pick_the_version_before_filtering(tmp_path):
    write_lines(tmp_path / "out" / "articles.jsonl", [
        article(1, published_at="2025-06-19T23:30:00+05:00"),  # 19 June in Pakistan (18:30 UTC)
        article(2, published_at="2025-06-20T00:30:00+05:00"),  # 20 June in Pakistan, 19 June in UTC
        article(3, published_at="2025-06-19T20:00:00+00:00"),  # given in UTC: 20 June, 01:00 in Pakistan
        article(4, published_at="2025-06-18T09:00:00+05:00", section="Business"),
        article(5, 1, section="business"), article(5, 2, section="Sport")])  # its newest version is Sport
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "Dawn's day"), "--since", "2025-06-19",
                 "--until", "2025-06-19"]) == 0
    assert [r["article_id"] for r in read_back(tmp_path / "Dawn's day")] == [1, 5]
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "business"), "--section", "BUSINESS"]) == 0
    assert [r["article_id"] for r in read_back(tmp_path / "business")] == [4]


def test_bad_lines_are_counted_and_the_rest_exported(tmp_path, capsys):
    good = article(7, warc_filename="CC-NEWS-20250619.warc.gz", provenance={"crawl": "CC-NEWS", "offset": 12})
    write_lines(tmp_path / "out" / "articles.jsonl", [
        article(1), '{"item_type": "Article", "article_id": 2, "tit', "not json at all", "[1, 2]",
        {"item_type": "EditorialTeaser", "article_id": 3, "title": "a teaser"}, dict(article(4), article_id="four"),
        article(5, published_at="yesterday"), good])
    with (tmp_path / "out" / "articles.jsonl").open("a") as handle:
        handle.write('{"item_type": "Article", "article_id": 8')  # a crawl still writing this line
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "ds")]) == 0
    out = capsys.readouterr().out
    for expected in ("skipped 3 line(s): unreadable_line", "skipped 1 line(s): other_item_type",
                     "skipped 1 line(s): no_article_id", "skipped 1 line(s): incomplete_last_line",
                     "kept 1 row(s) with a null value: no_published_at",
                     "kept unknown field 'provenance' of 1 line(s)", "kept unknown field 'warc_filename' of 1 line(s)"):
        assert expected in out
    rows = read_back(tmp_path / "ds")
    assert [r["article_id"] for r in rows] == [1, 5, 7]
    assert rows[1]["published_at"] is None and rows[1]["published_month"] == "unknown"
    assert json.loads(rows[2]["extra"]) == {"warc_filename": "CC-NEWS-20250619.warc.gz",
                                            "provenance": {"crawl": "CC-NEWS", "offset": 12}}
    with (tmp_path / "out" / "articles.jsonl").open("a") as handle:
        handle.write(', "title": "finished", "published_at": "2025-06-19T10:00:00+05:00", "body": "b"}\n')
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "ds")]) == 0
    assert "articles: 1 rows written (1 new, 0 changed" in capsys.readouterr().out
    assert [r["article_id"] for r in read_back(tmp_path / "ds")] == [1, 5, 7, 8]


def test_cc_news_schema_loads_with_hugging_face_datasets(real, tmp_path, monkeypatch):
    import datasets  # in the test extra: this test never skips
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert main(["--from", str(real), "--to", str(tmp_path / "cc"), "--schema", "cc_news"]) == 0
    loaded = datasets.load_dataset("parquet", data_files=str(tmp_path / "cc" / "articles" / "**" / "*.parquet"),
                                   split="train", cache_dir=str(tmp_path / "hf"))
    assert {"title", "text", "domain", "date", "description", "url", "image_url", "article_id"} <= set(
        loaded.column_names)
    assert loaded.num_rows == 37
    lines = {line["article_id"]: line for line in read_jsonl(real / "articles.jsonl")}
    for row in loaded:
        line = lines[row["article_id"]]
        assert (row["title"], row["text"], row["description"], row["url"]) == (
            line["title"], line["body"], line["summary"], line["url"])
        assert row["domain"] == "www.dawn.com"
        assert row["image_url"] == (line["images"][0]["url"] if line["images"] else None)
        assert row["date"] == instant(line["published_at"])


def test_the_console_script_refuses_bad_arguments_with_exit_2(tmp_path):
    write_lines(tmp_path / "out" / "articles.jsonl", [article(1)])
    script = [sys.executable, "-m", "newscrawl.commands.export", "--from", str(tmp_path / "out")]
    runs = {
        "since after until": script + ["--to", str(tmp_path / "a"), "--since", "2025-02-01", "--until", "2025-01-01"],
        "bad day": script + ["--to", str(tmp_path / "a"), "--since", "June"],
        "no source": [sys.executable, "-m", "newscrawl.commands.export", "--from", str(tmp_path / "nothing"),
                      "--to", str(tmp_path / "a")],
    }
    for name, command in runs.items():
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, name
        assert len(done.stderr.strip().splitlines()) == 1 and "newscrawl-export" in done.stderr, name
    ok = subprocess.run(script + ["--to", str(tmp_path / "b")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    other = subprocess.run(script + ["--to", str(tmp_path / "b"), "--format", "csv"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert other.returncode == 2 and "other options" in other.stderr
    shutil.rmtree(tmp_path / "b")
