"""The project as a scrapyd service: a real scrapyd on a free port of 127.0.0.1, `scrapyd-deploy` of a copy of
the project (scrapy.cfg's `env` target), a crawl of the offline site scheduled through schedule.json, waited
for in listjobs.json, and its items read from the output directory the job was given.

The copy's BOT_NAME is changed, and the job's log must show it: the job ran the deployed egg, not the
editable install of this tree that the same virtualenv also holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EXPECTED, ROOT, SITE, read_jsonl
from testing.distributed_run import free_port

SITE_EXPECTED = json.loads((EXPECTED / "site.json").read_text())
BIN = Path(sys.executable).parent
PROBE_BOT_NAME = "newscrawl-deployed-egg"


def call(url: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as answer:
        return json.loads(answer.read())


def project_copy(target: Path) -> Path:
    """The project's files as a clean checkout has them (git's list), with the probe BOT_NAME."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if name.startswith("fixtures/") or not (ROOT / name).is_file():
            continue  # fixtures aside: the job reads the offline site from this tree, by absolute path
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    settings = target / "newscrawl" / "settings.py"
    settings.write_text(settings.read_text().replace('BOT_NAME = "newscrawl"', f'BOT_NAME = "{PROBE_BOT_NAME}"'))
    return target


@pytest.fixture
def scrapyd(tmp_path):
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.5\nmax_proc = 1\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\nitems_dir =\n")
    process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=open(home / "scrapyd.log", "wb"),
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            call(url + "daemonstatus.json")
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, (home / "scrapyd.log").read_text()
            time.sleep(0.2)
    yield url, home
    process.terminate()
    process.wait(timeout=30)


def test_deploy_schedule_and_collect_a_crawl_through_scrapyd(scrapyd, tmp_path):
    url, home = scrapyd
    project = project_copy(tmp_path / "project")
    deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "env", "-p", "newscrawl", "--version", "r1"], cwd=project,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SCRAPYD_URL": url, "PATH": f"{BIN}:{os.environ['PATH']}"})
    assert deploy.returncode == 0 and '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
    assert "dawn" in call(url + "listspiders.json?project=newscrawl")["spiders"]

    output = tmp_path / "output"
    settings = {"NEWSCRAWL_MIRROR": str(SITE), "NEWSCRAWL_OUTPUT_DIR": str(output), "NEWSCRAWL_RENDER": "0",
                "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite"), "NEWSCRAWL_SUMMARY": "0"}
    job = call(url + "schedule.json", [("project", "newscrawl"), ("spider", "dawn"),
                                       *(("setting", f"{k}={v}") for k, v in settings.items())])
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 240
    while True:
        jobs = call(url + "listjobs.json?project=newscrawl")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        assert time.monotonic() < deadline, f"the job did not finish: {jobs}"
        time.sleep(1)

    log = (home / "logs" / "newscrawl" / "dawn" / f"{job['jobid']}.log").read_text()
    assert f"(bot: {PROBE_BOT_NAME})" in log, "the job did not run the deployed egg"
    articles = {a["article_id"] for a in read_jsonl(output / "articles.jsonl")}
    # NEWSCRAWL_RENDER=0: the pages that need JavaScript are dropped, every other article is there
    assert articles == set(SITE_EXPECTED["article_ids"]) - set(SITE_EXPECTED["rendered_ids"])
    teasers = {t["article_id"] for t in read_jsonl(output / "editorial_teasers.jsonl")}
    assert teasers == set(SITE_EXPECTED["teaser_ids"])
    assert json.loads((output / "last_crawl.json").read_text())["finish_reason"] == "finished"
