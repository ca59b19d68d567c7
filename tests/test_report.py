"""`newscrawl-report` over real crawls of the offline site (run by newscrawl-cron: an undated one, then a dated one
whose archive page of 2025-06-18 answers 500 on every try) plus a made-up run history with a failed day: the page
opened in a real headless Chromium (no console error, every chart drawn, the numbers those of the ledger, a
screenshot written), the --json figures, the gaps file, a year of hourly runs built in seconds, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newscrawl.state.sqlite import StateStore
from testing.chromium import CHROMIUM, require_chromium
from tests.conftest import ROOT, SITE
from tests.run_history import run_history, write_history, year_of_hourly_runs

# its module fixture (one crawl) is built once: the module's tests run in one xdist process
pytestmark = pytest.mark.xdist_group("report")

BROKEN_ARCHIVE = "https://www.dawn.com/newspaper/editorial/2025-06-18"
STEP_TIMEOUT = 180
YEAR_REPORT_SECONDS = 30  # measured about 4 s on the shared 2-core machine; the bound only catches a collapse
# NEWSCRAWL_REPORT_PNG=docs/report.png makes the picture README shows
PNG_COPY = os.environ.get("NEWSCRAWL_REPORT_PNG")


def run(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=STEP_TIMEOUT)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Output directory and settings of two real cron runs and 14 made-up days of hourly runs before them."""
    require_chromium()
    base = tmp_path_factory.mktemp("report")
    site = base / "site"
    shutil.copytree(SITE, site)
    (site / "error.html").write_text("<html><body>Internal Server Error</body></html>")
    with (site / "manifest.jsonl").open("a") as manifest:
        manifest.write(json.dumps({"url": BROKEN_ARCHIVE, "file": "error.html", "status": 500,
                                   "headers": {"Content-Type": "text/html"}}) + "\n")
    out = base / "out"
    settings = [f"NEWSCRAWL_OUTPUT_DIR={out}", f"NEWSCRAWL_STATE={out / 'state.sqlite'}",
                "NEWSCRAWL_ARCHIVES=newspaper/editorial"]
    crawl = [x for s in settings + [f"NEWSCRAWL_MIRROR={site}", "NEWSCRAWL_SUMMARY=0", "LOG_LEVEL=WARNING",
                                    "TELNETCONSOLE_ENABLED=0"] for x in ("-s", s)]
    first = run("newscrawl.commands.cron", *crawl)
    assert first.returncode == 0, first.stderr[-3000:]
    dated = run("newscrawl.commands.cron", *crawl, "-a", "since=2025-06-18", "-a", "until=2025-06-19")
    assert dated.returncode in (0, 4), dated.stderr[-3000:]  # 4 when the 500s count as too many errors
    runs = out / "runs.jsonl"
    first = (datetime.now(UTC) - timedelta(days=15)).replace(minute=17, second=0, microsecond=0)
    failed_day = (first + timedelta(days=8)).date().isoformat()
    write_history(runs, run_history(14 * 24, first, failed_day), append_to=runs)
    return out, [x for s in settings for x in ("-s", s)]


def ledger(out: Path):
    store = StateStore(out / "state.sqlite")
    try:
        return store.ledger_entries()
    finally:
        store.close()


def test_the_report_in_chromium_draws_every_chart_and_shows_the_ledgers_numbers(history, tmp_path):
    from playwright.sync_api import sync_playwright

    out, settings = history
    made = run("newscrawl.commands.report", *settings, "--output", str(tmp_path / "report.html"))
    assert made.returncode == 0, made.stderr
    entries = ledger(out)
    outcomes = Counter(e.outcome for e in entries)
    per_day = Counter((e.day, e.outcome) for e in entries)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], timeout=60000)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.set_default_timeout(10000)
            errors = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto((tmp_path / "report.html").as_uri(), timeout=60000)
            charts = page.locator("figure.chart")
            assert charts.count() == 4  # days, completeness, discovery, runs
            for index in range(charts.count()):
                chart = charts.nth(index)
                box = chart.locator("svg").bounding_box()
                assert box["width"] > 600 and box["height"] > 100, chart.get_attribute("id")
                drawn = chart.locator("svg g[id^='patch'] path, svg g[id^='line2d'] path, "
                                      "svg g[id^='PolyCollection'] path")
                assert drawn.count() > 4, f"{chart.get_attribute('id')} has nothing drawn"
            written_colour = page.locator("#chart-days svg path[style*='#009e73']")
            assert written_colour.count() >= 2  # the written bars of 18 and 19 June at least
            figure = lambda name: int(page.locator(f"[data-figure='{name}']").first.inner_text())  # noqa: E731
            assert figure("known") == len(entries) and figure("written") == outcomes["written"] == 37
            assert figure("missing") == len(entries) - outcomes["written"] - outcomes["moved"]
            for day in ("2025-06-18", "2025-06-19"):
                row = page.locator(f"#days tr[data-day='{day}']")
                assert int(row.locator("[data-figure='known']").inner_text()) == sum(
                    n for (d, _), n in per_day.items() if d == day)
                assert int(row.locator("[data-figure='written']").inner_text()) == per_day[(day, "written")]
            broken = page.locator("#days tr[data-day='2025-06-18']")
            assert broken.get_attribute("class") == "incomplete"
            assert f"archive page failed: {BROKEN_ARCHIVE} (http_500)" in broken.inner_text()
            assert page.locator("#days tr[data-day='2025-06-19']").get_attribute("class") == "complete"
            gone = page.locator("#gaps tr[data-reason='not_found'] [data-figure='count']").inner_text()
            assert int(gone) == outcomes["not_found"]
            assert "newscrawl-cron" in page.locator("#retry-command").inner_text()
            assert "(338 runs)" in page.locator("#chart-runs").inner_text()  # 336 made up, 2 real
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'report.png'}")
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto((tmp_path / "report.html").as_uri(), timeout=60000)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scroll on a phone
            assert phone.locator("#chart-days svg").bounding_box()["width"] <= 390
            phone.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)
            # the picture README shows: the days of June 2025 the offline site has, the whole run history
            june = run("newscrawl.commands.report", *settings, "--since", "2025-06-10", "--until", "2025-06-19",
                       "--output", str(tmp_path / "june.html"))
            assert june.returncode == 0, june.stderr
            page.goto((tmp_path / "june.html").as_uri(), timeout=60000)
            page.screenshot(path=str(tmp_path / "report-june.png"), full_page=True)
            if PNG_COPY:
                page.screenshot(path=PNG_COPY, full_page=True)
        finally:
            browser.close()
    assert errors == []


def test_json_figures_and_the_gaps_file(history, tmp_path):
    from spiders.dawn import DawnSpider

    out, settings = history
    printed = run("newscrawl.commands.report", *settings, "--json", "--since", "2025-06-18", "--until", "2025-06-19",
                  "--gaps-file", str(tmp_path / "gaps.txt"), "--gaps", "not_found")
    assert printed.returncode == 0, printed.stderr
    figures = json.loads(printed.stdout)
    days = {day["day"]: day for day in figures["days"]}
    assert sorted(days) == ["2025-06-18", "2025-06-19"]
    assert days["2025-06-18"]["complete"] is False and days["2025-06-19"]["complete"] is True
    assert f"archive page failed: {BROKEN_ARCHIVE} (http_500)" in days["2025-06-18"]["incomplete_because"]
    in_range = [e for e in ledger(out) if e.day in days]
    assert figures["articles"]["known"] == len(in_range) == sum(day["known"] for day in days.values())
    assert figures["articles"]["written"] == sum(e.outcome == "written" for e in in_range)
    gone = sorted(e.article_id for e in ledger(out) if e.outcome == "not_found")
    urls = DawnSpider.parse_arguments({"url_file": str(tmp_path / "gaps.txt")}).explicit_urls()  # what -a url_file= reads
    assert [int(url.rsplit("/", 1)[1]) for url in urls] == gone


def test_a_year_of_hourly_runs_is_reported_in_seconds(history, tmp_path):
    out, settings = history
    year = tmp_path / "year"
    shutil.copytree(out, year)
    write_history(year / "runs.jsonl", year_of_hourly_runs())
    began = time.monotonic()
    made = run("newscrawl.commands.report", *settings, "-s", f"NEWSCRAWL_OUTPUT_DIR={year}", "-s",
               f"NEWSCRAWL_STATE={year / 'state.sqlite'}", "--output", str(tmp_path / "year.html"))
    seconds = time.monotonic() - began
    assert made.returncode == 0, made.stderr
    print(f"a year of hourly runs (8,760 records): report built in {seconds:.1f} s, "
          f"{(tmp_path / 'year.html').stat().st_size / 1e6:.1f} MB")
    assert seconds < YEAR_REPORT_SECONDS
    assert "8760 runs, aggregated per day" in (tmp_path / "year.html").read_text()


@pytest.mark.parametrize("args, message", [
    (["--output", "r.html", "--since", "2025-13-01"], "expected a day YYYY-MM-DD"),
    (["--output", "r.html", "--since", "2025-06-19", "--until", "2025-06-18"], "is after --until"),
    ([], "nothing to do"),
    (["--json", "--gaps", "written"], "unknown missing outcome"),
    (["--json", "-s", "NEWSCRAWL_STATE=/nonexistent/state.sqlite"], "no state store at /nonexistent/state.sqlite"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, tmp_path):
    done = run("newscrawl.commands.report", *args)
    assert done.returncode == 2 and message in done.stderr and done.stdout == ""
