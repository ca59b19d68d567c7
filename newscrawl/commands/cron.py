"""`newscrawl-cron` / `python -m newscrawl.commands.cron`: one scheduled crawl, with a lock, a run record and an exit code
that tells the scheduler whether it went well (`scrapy crawl` itself exits 0 even when a crawl failed).

    newscrawl-cron [-a NAME=VALUE]... [-s NAME=VALUE]... [--timeout SECONDS]

-a and -s go to `scrapy crawl dawn` unchanged. The run record is appended to `<NEWSCRAWL_OUTPUT_DIR>/runs.jsonl`.
Exit codes (docs/CRON.md): see EXIT_CODES; when several apply, the first in that order wins.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from newscrawl.clock import utc_now
from newscrawl.distributed.mode import worker_file
from newscrawl.state.lock import LOCKS_HELD_ENV, Locked, take_locks
from newscrawl.stats_keys import (COVERAGE, DROPPED, ERRORS_LOGGED, FEED_AGREEMENT, FINISH_REASON, HTTP_STATUS,
                                  COMPLETENESS, REQUESTS, RESPONSES, STORY_NOT_FOUND, STORY_NOT_FOUND_SHARE, VERSIONING, WRITTEN,
                                  under)
from newscrawl.monitoring.verdict import (  # noqa: F401 (the codes are newscrawl-cron's too)
    BLOCKED,
    DRIFT,
    ENDED_EARLY,
    ERRORS_OR_BANS,
    EXIT_CODES,
    LOCKED,
    NOT_STARTED,
    NOTHING_NEW,
    OK,
    UNREACHABLE,
    WORK_LOST,
    judge,
)

STOP_GRACE_SECONDS = 60  # after a SIGTERM, how long the crawl may take to close before it is killed


def name_value(text: str) -> str:
    if "=" not in text or not text.split("=", 1)[0].strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return text


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="newscrawl-cron", description="Run one scheduled `dawn` crawl.",
                                     epilog="Exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()))
    parser.add_argument("-a", dest="spider_args", action="append", default=[], type=name_value, metavar="NAME=VALUE",
                        help="spider argument, passed to scrapy crawl")
    parser.add_argument("-s", dest="settings", action="append", default=[], type=name_value, metavar="NAME=VALUE",
                        help="setting, passed to scrapy crawl")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="stop the crawl (gracefully, then by force) after this long; counts as ended early")
    return parser.parse_args(argv)  # a bad argument exits 2 = NOT_STARTED, as argparse does anyway


def crawl_settings(overrides: list[str]):
    """The project settings with the -s overrides, as the crawl will see them."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for pair in overrides:
        name, value = pair.split("=", 1)
        settings.set(name.strip(), value, priority="cmdline")
    return settings


def run_crawl(args: argparse.Namespace) -> tuple[int | None, bool]:
    """Run `scrapy crawl dawn`; returns (its exit status, or the negated signal that killed it; whether it was
    stopped for --timeout or because this process was told to stop)."""
    command = [sys.executable, "-m", "scrapy", "crawl", "dawn"]
    command += [x for a in args.spider_args for x in ("-a", a)] + [x for s in args.settings for x in ("-s", s)]
    # its own session: a Ctrl-C on the terminal reaches only this process, which passes it on once (a second
    # SIGINT would make Scrapy stop uncleanly)
    # the crawl's own CrawlLock sees that this process holds the locks for it (newscrawl/state/lock.py)
    child = subprocess.Popen(command, start_new_session=True, env={**os.environ, LOCKS_HELD_ENV: str(os.getpid())})
    stopped = False

    def forward(signum, _frame):  # systemd stop or Ctrl-C: let the crawl close cleanly
        nonlocal stopped
        stopped = True
        child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        try:
            return child.wait(timeout=args.timeout), stopped
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGTERM)
            try:
                return child.wait(timeout=STOP_GRACE_SECONDS), True
            except subprocess.TimeoutExpired:
                child.kill()
                return child.wait(), True
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def assess(stats: dict | None, returncode: int | None, stopped: bool, settings) -> tuple[int, dict]:
    """The exit code and the health verdicts of one crawl, from its stats (None: it wrote none)."""
    if stats is None:
        killed = stopped or (returncode is not None and returncode < 0)
        code = ENDED_EARLY if killed else NOT_STARTED
        return code, {"started": killed, "finished": False}
    # `scrapy crawl` exits with one of our codes (newscrawl/commands/scrapy_commands/crawl.py, from the same stats); a signal
    # (negative) or any other code means it did not end by itself
    return judge(stats, settings, ended_cleanly=not stopped and returncode in EXIT_CODES)


def run_record(args, start: str, stats: dict | None, code: int, verdicts: dict) -> dict:
    stats = stats or {}
    return {
        "start": start,
        "end": utc_now(),
        "exit_code": code,
        "exit_meaning": EXIT_CODES[code],
        "spider_args": args.spider_args,
        "settings": args.settings,
        "finish_reason": stats.get(FINISH_REASON),
        "pages": stats.get(RESPONSES, 0),
        "requests": stats.get(REQUESTS, 0),
        "items_by_type": under(stats, WRITTEN),
        "new": under(stats, f"{VERSIONING}/new"),
        "updated": under(stats, f"{VERSIONING}/updated"),
        "drops_by_reason": under(stats, DROPPED),
        "errors": stats.get(ERRORS_LOGGED, 0),
        "http_status": under(stats, HTTP_STATUS),
        "coverage": under(stats, COVERAGE),
        "feed_agreement": under(stats, FEED_AGREEMENT),
        "story_not_found": {"pages": stats.get(STORY_NOT_FOUND, 0),
                            "share": stats.get(STORY_NOT_FOUND_SHARE)},
        "verdicts": verdicts,
        # a dated crawl's days from the ledger: how many complete, and why the others are not (docs/REPORT.md)
        "completeness": days_summary(stats.get(COMPLETENESS)),
    }


def days_summary(days: list[dict] | None) -> dict | None:
    if days is None:
        return None
    return {"days": len(days), "complete": sum(day["complete"] for day in days),
            "incomplete": {day["day"]: day["incomplete_because"] for day in days if not day["complete"]}}


def file_signature(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def fresh_stats(path: Path, before: tuple | None) -> dict | None:
    """The crawl's last_crawl.json, if this run wrote it (one left unchanged is an earlier run's)."""
    if file_signature(path) in (None, before):
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def setting_problem(settings) -> str | None:
    """What is wrong with the offline source or the worker setting, found before the lock and the crawl (cheaply:
    an archive's files are looked for, not indexed; the crawl indexes them)."""
    from newscrawl.archive.replay import warc_files
    from newscrawl.crawl.article_reader import extract_processes
    from newscrawl.downloader.mirror import Mirror
    from newscrawl.downloader.offline import check_one_source

    try:
        check_one_source(settings)
        if mirror := settings.get("NEWSCRAWL_MIRROR"):
            Mirror(mirror)
        if replay := settings.get("NEWSCRAWL_REPLAY"):
            warc_files(replay)
        extract_processes(settings)
    except ValueError as exc:  # MirrorError and ArchiveError are ValueErrors
        return str(exc)
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start = utc_now()
    settings = crawl_settings(args.settings)
    output_dir = Path(settings.get("NEWSCRAWL_OUTPUT_DIR"))
    if problem := setting_problem(settings):
        print(f"newscrawl-cron: cannot start: {problem}", file=sys.stderr)
        return NOT_STARTED
    try:
        held = take_locks(settings)
    except Locked as exc:
        print(f"newscrawl-cron: another crawl is running ({exc}); exiting with code {LOCKED}", file=sys.stderr)
        return LOCKED
    with held:
        stats_path = output_dir / worker_file(settings, "last_crawl.json")
        before = file_signature(stats_path)
        returncode, stopped = run_crawl(args)
        stats = fresh_stats(stats_path, before)
        code, verdicts = assess(stats, returncode, stopped, settings)
        record = run_record(args, start, stats, code, verdicts)
        output_dir.mkdir(parents=True, exist_ok=True)
        with (output_dir / "runs.jsonl").open("a", encoding="utf-8") as runs:
            runs.write(json.dumps(record, ensure_ascii=False) + "\n")
    if code != OK:
        print(f"newscrawl-cron: exit {code}: {EXIT_CODES[code]}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
