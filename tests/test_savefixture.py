"""`scrapy savefixture`: record a page through the download path (here a mirror) as an unreviewed draft, and
`--check`: a field-by-field diff with a non-zero exit when a fixture differs from its expected JSON."""

import json
import os
import sys

from newscrawl.fixture_library import article_fixtures
from testing import forked_process
from tests.conftest import ROOT, SITE, write_mirror

URL = "https://www.dawn.com/news/1918053/making-the-most-of-remittances"


def savefixture(*args, timeout=120):
    command = [sys.executable, "-m", "scrapy", "savefixture", *args, "--nolog"]
    return forked_process.run_scrapy(command, timeout=timeout)


def test_records_a_draft_that_is_unreviewed_until_a_person_checks_it(tmp_path):
    mirror = write_mirror(tmp_path / "mirror", {URL: (200, "text/html; charset=utf-8",
                                                      (SITE / "news" / "1918053.html").read_bytes())})
    root = tmp_path / "fixtures"
    done = savefixture(URL, "--fixtures", str(root), "-s", f"NEWSCRAWL_MIRROR={mirror}")
    assert done.returncode == 0, done.stderr
    meta = json.loads((root / "recorded" / "1918053.meta.json").read_text())
    assert (meta["url"], meta["status"], meta["kind"]) == (URL, 200, "reconstructed")
    assert meta["headers"]["Content-Type"] == ["text/html; charset=utf-8"] and meta["fetched_at"]
    [fixture] = article_fixtures(("recorded",), root)
    assert not fixture.reviewed  # tests/test_fixtures.py fails on it until "reviewed": true
    assert fixture.html() == (SITE / "news" / "1918053.html").read_text(encoding="utf-8")
    expected = json.loads((ROOT / "fixtures" / "expected" / "1918053.json").read_text())["article"]
    assert {k: fixture.data["article"][k] for k in expected} == expected  # the draft is today's parse
    assert fixture.data["teasers"] and not fixture.diff()

    # --check: in sync, then a field that differs is shown with both values and fails the run
    assert savefixture("--check", "--fixtures", str(root)).returncode == 0
    fixture.data["article"]["authors"] = ["Someone Else"]
    fixture.expected_path.write_text(json.dumps(fixture.data), encoding="utf-8")
    done = savefixture("--check", "--fixtures", str(root))
    assert done.returncode == 1
    assert "recorded/1918053: 1 field(s) differ [unreviewed draft]" in done.stdout
    assert 'expected ["Someone Else"]' in done.stdout and 'got      ["Ali Hasan", "Mariam Baig"]' in done.stdout


def test_a_page_that_is_not_there_is_not_saved(tmp_path):
    mirror = write_mirror(tmp_path / "mirror", {})
    done = savefixture(URL, "--name", "gone", "--fixtures", str(tmp_path / "fixtures"), "-s", f"NEWSCRAWL_MIRROR={mirror}")
    assert done.returncode == 1 and "not saved: HTTP 404" in done.stderr
    assert not (tmp_path / "fixtures" / "recorded").exists()



def test_help_is_not_garbled_at_any_terminal_width():
    # Scrapy's help formatter takes a help line ending in ":" for a section heading: it title-cases it and
    # underlines it with "=" (the issue saw "(Default" and a line of "====" under --fixtures)
    # (below 56 columns Scrapy's own --loglevel help garbles the same way: not ours to fix)
    for columns in (56, 60, 64, 72, 80, 100, 160):
        done = forked_process.run_scrapy([sys.executable, "-m", "scrapy", "savefixture", "-h"], timeout=60,
                                         env={**os.environ, "COLUMNS": str(columns)})
        lines = done.stdout.splitlines()
        underlined = [lines[i - 1].strip() for i, line in enumerate(lines) if line and set(line) <= {"=", "-"}]
        assert underlined == ["Usage", "Options", "Global Options"], (columns, done.stdout)
        assert "(Default" not in done.stdout
