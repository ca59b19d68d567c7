"""`python -m newscrawl.commands.cron`: lock, run record, exit codes; and the live progress line."""

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.commands import cron
from newscrawl import settings as project_settings
from newscrawl.state.sqlite import REJECTED, StateStore
from tests.conftest import ROOT, SITE, write_mirror

TIMEOUT = 120


def run_cron(out, *args, mirror=SITE, state=True) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "newscrawl.commands.cron", "-s", f"NEWSCRAWL_OUTPUT_DIR={out}", "-s", "LOG_LEVEL=WARNING",
               "-s", f"NEWSCRAWL_STATE={out / 'state.sqlite' if state else ''}", "-s", "NEWSCRAWL_SUMMARY=0"]
    if mirror is not None:
        command += ["-s", f"NEWSCRAWL_MIRROR={mirror}"]
    # its own process group: on a timeout the crawl it started (in a session of its own) is killed with it
    with subprocess.Popen(command + list(args), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          process_group=0) as process:
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for group in {process.pid} | set(crawl_groups(process.pid)):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def crawl_groups(cron_pid: int) -> list[int]:
    """Process groups of the cron's children (it starts the crawl in a new session)."""
    children = Path(f"/proc/{cron_pid}/task/{cron_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def runs(out) -> list[dict]:
    return [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]


# the tests share a module fixture (healthy): under pytest-xdist (--dist loadgroup) they run in one process
pytestmark = pytest.mark.xdist_group("cron")


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    out = tmp_path_factory.mktemp("cron") / "out"
    return out, run_cron(out)


def test_a_healthy_crawl_exits_0_and_appends_a_run_record(healthy):
    out, done = healthy
    assert done.returncode == cron.OK, done.stderr
    record = runs(out)[-1]
    assert record["exit_code"] == 0 and record["finish_reason"] == "finished"
    assert record["items_by_type"]["Article"] == record["new"]["Article"] > 0
    assert record["pages"] > record["items_by_type"]["Article"]
    assert record["http_status"]["200"] > 0
    # the sidebar's repeats are skipped by the spider (or, read before the first copy was written, dropped as
    # duplicates): which depends on timing; the record lists the drops exactly as the crawl's stats counted them
    stats = json.loads((out / "last_crawl.json").read_text())
    assert record["drops_by_reason"] == {key.removeprefix("newscrawl/dropped/"): value for key, value in stats.items()
                                         if key.startswith("newscrawl/dropped/")}
    assert stats["newscrawl/teasers/already_emitted"] + record["drops_by_reason"].get("duplicate_EditorialTeaser", 0) > 0
    assert record["coverage"]["title"] == 1.0 and 0 < record["coverage"]["updated_at"] < 1
    assert "item_type" not in record["coverage"]  # every Article has one: its share said nothing
    assert record["story_not_found"] == {"pages": 0, "share": 0.0}  # every page of the offline site proves its box
    assert all(record["verdicts"][k] for k in ("finished", "errors_ok", "bans_ok", "drift_ok", "new_items_ok"))
    assert record["start"] <= record["end"]


def test_no_progress_line_without_a_terminal(healthy):
    assert "pages/min" not in healthy[1].stderr


def test_a_second_start_while_one_runs_exits_at_once_with_the_lock_code(healthy):
    out = healthy[0]
    with (out / ".newscrawl-cron.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running newscrawl-cron holds it
        done = run_cron(out)
    assert done.returncode == cron.LOCKED
    assert "another crawl is running" in done.stderr
    assert len(runs(out)) == 1  # nothing ran, nothing recorded


@pytest.mark.parametrize("args", [["-a", "since=yesterday"], ["-s", "NO_EQUALS_SIGN"]])
def test_a_bad_argument_means_could_not_start(tmp_path, args):
    assert run_cron(tmp_path, *args).returncode == cron.NOT_STARTED


@pytest.mark.parametrize("settings, said", [
    (["-s", "NEWSCRAWL_REPLAY={tmp}/no-warc-here"], "names no WARC file"),
    (["-s", "NEWSCRAWL_EXTRACT_PROCESSES=many"], "NEWSCRAWL_EXTRACT_PROCESSES"),
])
def test_a_bad_archive_or_worker_setting_means_could_not_start(tmp_path, settings, said):
    done = run_cron(tmp_path, *[s.format(tmp=tmp_path) for s in settings],
                    mirror=None if "REPLAY" in settings[1] else SITE)
    assert done.returncode == cron.NOT_STARTED
    assert said in done.stderr and "cannot start" in done.stderr
    assert not (tmp_path / "runs.jsonl").exists()  # no crawl ran


def test_a_broken_mirror_means_could_not_start(tmp_path):
    done = run_cron(tmp_path, mirror=tmp_path / "nowhere")
    assert done.returncode == cron.NOT_STARTED
    assert "no manifest.jsonl" in done.stderr


def test_a_crawl_stopped_by_timeout_ended_early_and_showed_progress(tmp_path):
    # 8 s: room for Scrapy to start and install its signal handlers on a loaded machine; the crawl would need ~80 s
    done = run_cron(tmp_path, "--timeout", "8", "-s", "DOWNLOAD_DELAY=0.5", "-s", "CONCURRENT_REQUESTS=1",
                    "-s", "NEWSCRAWL_PROGRESS=1", "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.3")
    assert done.returncode == cron.ENDED_EARLY
    assert runs(tmp_path)[-1]["finish_reason"] == "shutdown"
    assert "pages/min" in done.stderr  # (text mode turned its \r into newlines)


def test_bans_above_the_threshold(tmp_path):
    entry_points = project_settings.NEWSCRAWL_FEEDS + project_settings.NEWSCRAWL_LISTINGS
    mirror = write_mirror(tmp_path / "site", {url: (403, "text/html", b"Attention Required") for url in entry_points})
    # not stopped as blocked (that is the next test): every entry point is asked, and the 403s are counted
    done = run_cron(tmp_path / "out", "-s", "NEWSCRAWL_BLOCKED_AFTER=0", mirror=mirror)
    assert done.returncode == cron.ERRORS_OR_BANS
    assert runs(tmp_path / "out")[-1]["verdicts"]["bans"] == len(entry_points)


def test_a_ban_on_every_request_is_recorded_as_blocked(tmp_path):
    entry_points = project_settings.NEWSCRAWL_FEEDS + project_settings.NEWSCRAWL_LISTINGS
    mirror = write_mirror(tmp_path / "site", {url: (403, "text/html", b"Attention Required") for url in entry_points})
    done = run_cron(tmp_path / "out", mirror=mirror)
    assert done.returncode == cron.BLOCKED
    record = runs(tmp_path / "out")[-1]
    assert record["finish_reason"] == "blocked" and record["exit_meaning"].startswith("blocked:")
    assert "newscrawl-cron: exit 9: blocked" in done.stderr


def test_an_unreachable_host_is_recorded_as_such(tmp_path):
    from testing.generated_site import local_site_settings
    from tests.test_exit_codes import closed_port

    to_nowhere = [x for name, value in local_site_settings(closed_port()).items() for x in ("-s", f"{name}={value}")]
    done = run_cron(tmp_path, *to_nowhere, "-s", "DOWNLOAD_DELAY=0", mirror=None)
    assert done.returncode == cron.UNREACHABLE, done.stderr
    record = runs(tmp_path)[-1]
    assert record["finish_reason"] == "host_unreachable" and record["exit_meaning"].startswith("host unreachable")
    assert not record["verdicts"]["reachable"]
    assert "newscrawl-cron: exit 8: host unreachable" in done.stderr


def test_zero_items_although_the_entry_points_listed_new_ones(tmp_path):
    page = b"<html><body><a href='/news/1234567/a-story'>A story</a></body></html>"
    empty_article = b"<html><head><title>Nothing here</title></head><body></body></html>"
    mirror = write_mirror(tmp_path / "site", {
        "https://www.dawn.com/": (200, "text/html; charset=utf-8", page),
        "https://www.dawn.com/news/1234567/a-story": (200, "text/html; charset=utf-8", empty_article),
    })
    done = run_cron(tmp_path / "out", mirror=mirror)
    assert done.returncode == cron.NOTHING_NEW
    record = runs(tmp_path / "out")[-1]
    assert record["items_by_type"] == {} and not record["verdicts"]["new_items_ok"]
    # the dropped article is remembered, so the next run does not fetch it again at once
    assert StateStore(tmp_path / "out" / "state.sqlite").article(1234567).status == REJECTED


# ---- assess(): the verdicts from a stats dict ----------------------------------------------------------
SETTINGS = Settings({"NEWSCRAWL_HEALTH_MAX_ERROR_RATE": 0.1, "NEWSCRAWL_HEALTH_MAX_BANS": 3})
HEALTHY = {"finish_reason": "finished", "downloader/request_count": 100, "newscrawl/written/Article": 5,
           "newscrawl/incremental/unseen": 5, "downloader/response_status_count/200": 100}


@pytest.mark.parametrize("changes, code", [
    ({}, cron.OK),
    ({"newscrawl/unhealthy": True}, cron.DRIFT),
    ({"finish_reason": "closespider_timeout"}, cron.ENDED_EARLY),
    ({"downloader/response_status_count/503": 11}, cron.ERRORS_OR_BANS),
    ({"downloader/exception_count": 11}, cron.ERRORS_OR_BANS),
    ({"downloader/response_status_count/503": 10}, cron.OK),  # at the threshold, not above
    ({"downloader/response_status_count/429": 2, "downloader/response_status_count/403": 2}, cron.ERRORS_OR_BANS),
    ({"newscrawl/written/Article": 0}, cron.NOTHING_NEW),
    ({"newscrawl/written/Article": 0, "newscrawl/incremental/unseen": 0}, cron.OK),  # nothing new was listed
    ({"newscrawl/unhealthy": True, "downloader/response_status_count/403": 9}, cron.ERRORS_OR_BANS),  # bans first
])
def test_assess(changes, code):
    assert cron.assess({**HEALTHY, **changes}, 0, False, SETTINGS)[0] == code


def test_assess_without_stats():
    assert cron.assess(None, 1, False, SETTINGS)[0] == cron.NOT_STARTED
    assert cron.assess(None, -9, False, SETTINGS)[0] == cron.ENDED_EARLY  # killed before it could write them
    assert cron.assess(HEALTHY, -15, False, SETTINGS)[0] == cron.ENDED_EARLY


def test_exit_codes_are_distinct_and_documented():
    # the numbers are an interface (crontab wrappers and systemd units test them): pinned here by hand; 1 is left
    # to Python itself (an uncaught exception)
    names = ("OK", "NOT_STARTED", "ENDED_EARLY", "ERRORS_OR_BANS", "DRIFT", "NOTHING_NEW", "LOCKED", "UNREACHABLE",
             "BLOCKED", "WORK_LOST")
    codes = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert [getattr(cron, name) for name in names] == codes
    assert sorted(cron.EXIT_CODES) == codes and len(set(cron.EXIT_CODES.values())) == len(codes)
    # docs/CRON.md's exit-code table: the rows under its "| code | meaning |" header, up to the first non-row
    readme = (ROOT / "docs" / "CRON.md").read_text().splitlines()
    start = readme.index("| code | meaning |") + 2
    rows = readme[start:next(i for i in range(start, len(readme)) if not readme[i].startswith("|"))]
    assert sorted(int(row.split("|")[1]) for row in rows) == sorted(codes)


def test_the_run_record_names_the_pages_without_a_story_box():
    args = cron.parse_args([])
    stats = {"newscrawl/story/not_found": 3, "newscrawl/story/not_found_share": 0.3, "newscrawl/unhealthy": True}
    record = cron.run_record(args, "2026-01-01T00:00:00+00:00", stats, cron.DRIFT, {"drift_ok": False})
    assert record["story_not_found"] == {"pages": 3, "share": 0.3}
