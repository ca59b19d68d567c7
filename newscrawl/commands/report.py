"""`newscrawl-report` / `python -m newscrawl.commands.report`: how complete the corpus is, as one HTML page, as JSON,
and as a url_file of the gaps a crawl can close (docs/REPORT.md).

    newscrawl-report [-s NAME=VALUE]... [--output FILE.html] [--json] [--since D] [--until D]
                     [--gaps-file FILE] [--gaps OUTCOME,...]

Reads the settings `newscrawl-cron` reads (NEWSCRAWL_OUTPUT_DIR for runs.jsonl, NEWSCRAWL_STATE, or Redis in
distributed mode). Exit 0, or 2 with one line for bad input (a bad date, no state store, nothing asked).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from datetime import date
from pathlib import Path

from newscrawl.clock import utc_now
from newscrawl.commands.cron import crawl_settings, name_value
from newscrawl.report.figures import RETRYABLE, gap_urls, read_runs, report_figures
from newscrawl.state.records import OUTCOMES

USAGE_ERROR = 2


def a_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a day YYYY-MM-DD, got {text!r}") from None


def outcomes(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    if unknown := [o for o in chosen if o not in OUTCOMES or o == "written"]:
        raise argparse.ArgumentTypeError(f"unknown missing outcome(s) {', '.join(unknown)}; "
                                         f"choose from {', '.join(o for o in OUTCOMES if o != 'written')}")
    return chosen


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="newscrawl-report", description="How complete the corpus is: an HTML "
                                     "report, JSON figures, and the gaps as a url_file.")
    parser.add_argument("-s", dest="settings", action="append", default=[], type=name_value, metavar="NAME=VALUE",
                        help="setting, as for newscrawl-cron (NEWSCRAWL_OUTPUT_DIR, NEWSCRAWL_STATE, ...)")
    parser.add_argument("--output", type=Path, metavar="FILE.html", help="write the HTML report here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    parser.add_argument("--since", type=a_day, metavar="YYYY-MM-DD", help="first publication day shown")
    parser.add_argument("--until", type=a_day, metavar="YYYY-MM-DD", help="last publication day shown")
    parser.add_argument("--gaps-file", type=Path, metavar="FILE",
                        help="write the URLs of the missing ids (--gaps) here, for scrapy crawl dawn -a url_file=FILE")
    parser.add_argument("--gaps", type=outcomes, default=RETRYABLE, metavar="OUTCOME,...",
                        help=f"the missing outcomes --gaps-file takes (default {','.join(RETRYABLE)})")
    args = parser.parse_args(argv)
    if not (args.output or args.json or args.gaps_file):
        parser.error("nothing to do: give --output FILE.html, --json or --gaps-file FILE")
    if args.since and args.until and args.since > args.until:
        parser.error(f"--since {args.since} is after --until {args.until}")
    return args


def open_store(settings):
    """The state store the crawls write (Redis in distributed mode), or ValueError saying why there is none."""
    if settings.get("NEWSCRAWL_REDIS_URL"):
        from newscrawl.distributed.mode import FrontierKeys, redis_client
        from newscrawl.state.redis import RedisStateStore

        return RedisStateStore(redis_client(settings), "newscrawl-report", FrontierKeys(settings),
                               settings.getfloat("NEWSCRAWL_LEASE_SECONDS"))
    from newscrawl.state.sqlite import StateStore

    path = settings.get("NEWSCRAWL_STATE")
    if not path:
        raise ValueError("NEWSCRAWL_STATE is empty: there is no state store, so no ledger")
    if not Path(path).is_file():
        raise ValueError(f"no state store at {path} (NEWSCRAWL_STATE): run a crawl first, or point -s NEWSCRAWL_STATE")
    return StateStore(path)


def retry_command(args) -> str:
    settings = "".join(f" -s {shlex.quote(s)}" for s in args.settings)
    return (f"newscrawl-report{settings} --gaps-file gaps.txt && "
            f"newscrawl-cron{settings} -a url_file=gaps.txt")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    settings = crawl_settings(args.settings)
    try:
        store = open_store(settings)
    except ValueError as exc:
        print(f"newscrawl-report: {exc}", file=sys.stderr)
        return USAGE_ERROR
    try:
        entries, archive_pages = store.ledger_entries(), store.archive_pages()
    finally:
        store.close()
    runs = read_runs(Path(settings.get("NEWSCRAWL_OUTPUT_DIR")) / "runs.jsonl")
    figures = report_figures(entries, archive_pages, runs, settings.getlist("NEWSCRAWL_ARCHIVES"), args.since,
                             args.until)
    if args.gaps_file:
        urls = gap_urls(entries, args.gaps)
        args.gaps_file.write_text("".join(url + "\n" for url in urls), encoding="utf-8")
        print(f"newscrawl-report: {len(urls)} URL(s) ({','.join(args.gaps)}) written to {args.gaps_file}",
              file=sys.stderr)
    if args.output:
        from newscrawl.report.page import render  # matplotlib is imported only when a page is drawn

        html = render(figures, "newscrawl: how complete is the corpus", utc_now(), retry_command(args))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(html, encoding="utf-8")
        print(f"newscrawl-report: {args.output} ({len(entries)} ids, {len(figures['days'])} days, {len(runs)} runs)"
              f" in {time.monotonic() - began:.1f} s", file=sys.stderr)
    if args.json:
        print(json.dumps({key: figures[key] for key in ("days", "articles", "discovery", "gaps")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
