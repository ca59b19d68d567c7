"""An export, a second crawl (new articles and a changed one), and a second export into the same DEST: it adds
exactly the new and changed articles, removes the changed one's older row, and leaves the other files alone; in
Parquet, CSV and JSON lines."""

from __future__ import annotations

import csv
import json
import shutil

from newscrawl.commands.export import main
from tests.conftest import SITE, read_jsonl, run_crawl
from tests.export_helpers import parquet_files, read_back

FIRST = ("https://www.dawn.com/news/1918062", "https://www.dawn.com/news/1532195", "https://www.dawn.com/news/1917388")
CHANGED = 1918062


def rows_of(dest, file_format: str) -> list[dict]:
    """DEST's articles read back by another reader than DuckDB: pyarrow, Python's csv or json."""
    if file_format == "parquet":
        return read_back(dest)
    rows = []
    for path in sorted((dest / "articles").rglob(f"*.{file_format}")):
        with path.open(encoding="utf-8", newline="") as handle:
            found = list(csv.DictReader(handle)) if file_format == "csv" else [json.loads(line) for line in handle]
        month = path.parent.name.split("=")[1]
        for row in found:
            row["article_id"], row["version"] = int(row["article_id"]), int(row["version"])
            assert row.get("published_month", month) == month
        rows += found
    return sorted(rows, key=lambda row: row["article_id"])


def test_a_second_export_adds_exactly_the_new_and_changed_articles(tmp_path, capsys):
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(SITE, site)
    first = run_crawl(out, "-a", "urls=" + ",".join(FIRST), mirror=site, settings={"NEWSCRAWL_PROGRESS": 0})
    assert first.returncode == 0 and len(first.articles) == 3
    formats = ("parquet", "csv", "jsonl")
    for file_format in formats:
        assert main(["--from", str(out), "--to", str(tmp_path / file_format), "--format", file_format]) == 0
        assert "articles: 3 rows written (3 new, 0 changed" in capsys.readouterr().out
        assert [r["article_id"] for r in rows_of(tmp_path / file_format, file_format)] == [1532195, 1917388, CHANGED]
    before = parquet_files(tmp_path / "parquet")

    # the second crawl: one story was edited on the site (refresh finds it changed: version 2), the rest is new
    page = site / "news" / f"{CHANGED}.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "continue to watch incoming data closely.", "continue to watch incoming data closely, officials said."),
        encoding="utf-8")
    second = run_crawl(out, "-a", "refresh=1", mirror=site, settings={"NEWSCRAWL_PROGRESS": 0})
    assert second.returncode == 0, second.log[-2000:]
    lines = read_jsonl(out / "articles.jsonl")
    assert len(lines) == 38 and [line["version"] for line in lines if line["article_id"] == CHANGED] == [1, 2]
    newest = {line["article_id"]: line for line in lines}  # the file is in crawl order: the last line is the newest

    for file_format in formats:
        dest = tmp_path / file_format
        assert main(["--from", str(out), "--to", str(dest), "--format", file_format]) == 0
        report = capsys.readouterr().out
        assert "articles: 35 rows written (34 new, 1 changed since the last export; 1 older files rewritten" in report
        assert "35 lines read from 1 of 1 files" in report  # only the bytes the first export had not read
        rows = rows_of(dest, file_format)
        assert [r["article_id"] for r in rows] == sorted(newest)  # one row per id: the older row of 1918062 is gone
        changed = next(r for r in rows if r["article_id"] == CHANGED)
        assert changed["version"] == 2 and changed["body"] == newest[CHANGED]["body"]
        assert "officials said." in changed["body"]
        for row in rows:
            assert row["title"] == newest[row["article_id"]]["title"]
            if file_format != "parquet":  # ISO 8601 text with the page's own +05:00
                assert row["published_at"] == newest[row["article_id"]]["published_at"]
        if file_format == "csv":  # lists are JSON text in CSV
            assert json.loads(changed["images"]) == newest[CHANGED]["images"]

        # nothing new: the third export adds nothing and rewrites nothing
        assert main(["--from", str(out), "--to", str(dest), "--format", file_format]) == 0
        assert "articles: 0 rows written (0 new, 0 changed" in capsys.readouterr().out
        assert len(rows_of(dest, file_format)) == 37

    after = parquet_files(tmp_path / "parquet")
    untouched = [p for p in before if "2020-02" in str(p)]  # 1532195's month: it did not change
    assert untouched and all(after.get(p) == before[p] for p in untouched)
    june = [p for p in before if "2025-06" in str(p)]
    assert june and all(after.get(p) != before[p] for p in june)  # held the old row of 1918062: rewritten
    card = (tmp_path / "parquet" / "README.md").read_text()
    assert "37 article rows (37 articles)" in card and card.count("| 20") >= 3  # three exports listed


def test_an_export_killed_while_moving_its_files_in_is_finished_by_the_next(tmp_path, monkeypatch, capsys):
    import newscrawl.export.run as run
    from tests.export_helpers import article, write_lines

    write_lines(tmp_path / "out" / "articles.jsonl", [article(1), article(2)])
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "ds")]) == 0
    write_lines(tmp_path / "out" / "articles.jsonl", [article(2, 2), article(3)], mode="a")
    real_finish = run.finish

    def killed(dest):  # dies after moving the first file in, once the journal is written
        journal = dest / ".newscrawl-export" / "journal.json"
        if journal.exists():
            source, target = json.loads(journal.read_text())["moves"][0]
            shutil.move(source, target)
            raise KeyboardInterrupt

    monkeypatch.setattr(run, "finish", killed)
    try:
        main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "ds")])
    except KeyboardInterrupt:
        pass
    monkeypatch.setattr(run, "finish", real_finish)
    capsys.readouterr()
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "ds")]) == 0
    assert "articles: 0 rows written (0 new, 0 changed" in capsys.readouterr().out  # the killed one's rows stand
    assert [(r["article_id"], r["version"]) for r in read_back(tmp_path / "ds")] == [(1, 1), (2, 2), (3, 1)]
    assert not list((tmp_path / "ds" / ".newscrawl-export").glob("work-*"))


def test_a_replaced_input_file_is_read_again_without_doubling_rows(tmp_path, capsys):
    from tests.export_helpers import article, write_lines

    write_lines(tmp_path / "out" / "articles.jsonl", [article(1), article(2)])
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "ds")]) == 0
    # the file replaced by a merged copy that holds the same lines and one more, in another order
    write_lines(tmp_path / "out" / "articles.jsonl", [article(3), article(2), article(1)])
    capsys.readouterr()
    assert main(["--from", str(tmp_path / "out"), "--to", str(tmp_path / "ds")]) == 0
    out = capsys.readouterr().out
    assert "1 file(s) replaced or cut since the last export: read again from the start" in out
    assert "articles: 1 rows written (1 new, 0 changed" in out
    assert [r["article_id"] for r in read_back(tmp_path / "ds")] == [1, 2, 3]
