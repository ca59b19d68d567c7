"""Whether a crawl did its job, judged from its stats: the exit codes of `scrapy crawl` and `newscrawl-cron`.

`scrapy crawl` alone would exit 0 whatever happened; both commands exit with the code of the first verdict
that fails, in the order of EXIT_CODES (docs/CRON.md documents each code).
"""

from __future__ import annotations

from newscrawl.stats_keys import (DOWNLOAD_EXCEPTIONS, DROPPED, FINISH_REASON, HTTP_STATUS, INCREMENTAL, LOST, REQUESTS,
                                  UNHEALTHY, WRITTEN, under, CRAWL_GIVEN_UP, REPLAY_UNREADABLE, SEEDING_COMPLETE)

OK, NOT_STARTED, ENDED_EARLY, ERRORS_OR_BANS, DRIFT, NOTHING_NEW, LOCKED = 0, 2, 3, 4, 5, 6, 7
UNREACHABLE, BLOCKED, WORK_LOST = 8, 9, 10
# In order of precedence: the first that applies wins (a ban usually also looks like drift; the ban is the cause).
EXIT_CODES = {
    OK: "the crawl finished and was healthy",
    NOT_STARTED: "the crawl could not start (bad argument or setting, broken mirror, no last_crawl.json written)",
    UNREACHABLE: "host unreachable: www.dawn.com could not be resolved or connected to; the crawl stopped early",
    BLOCKED: "blocked: www.dawn.com answered 403 to every request (a ban); the crawl stopped early",
    ENDED_EARLY: "the crawl ended early (finish reason not 'finished', killed, or --timeout reached)",
    WORK_LOST: "work lost: articles lost to hostile input (a redirect off the site, to a private address or in a "
               "loop; text that cannot be written: newscrawl/lost/<reason>), a distributed crawl that gave up requests "
               "or did not queue every start entry, or unreadable regions of the replayed WARC files",
    ERRORS_OR_BANS: "error responses above NEWSCRAWL_HEALTH_MAX_ERROR_RATE, or 403/429 above NEWSCRAWL_HEALTH_MAX_BANS",
    DRIFT: "a drift alarm fired (stats key newscrawl/unhealthy is true)",
    NOTHING_NEW: "the entry points listed unseen articles, but no item was written",
    LOCKED: "another crawl (newscrawl-cron or scrapy crawl) holds the lock; nothing was done",
}
# finish reasons set by newscrawl.downloader.host_health when it stops a crawl
FINISH_REASON_CODES = {"host_unreachable": UNREACHABLE, "blocked": BLOCKED}


def judge(stats: dict, settings, ended_cleanly: bool = True) -> tuple[int, dict]:
    """The exit code and the health verdicts of a crawl that wrote its stats. `ended_cleanly`: the process was
    not killed or stopped from outside (newscrawl-cron knows; `scrapy crawl` judging itself is)."""
    statuses = {int(k): v for k, v in under(stats, HTTP_STATUS).items()}
    requests = stats.get(REQUESTS, 0)
    # a page whose parser raised, or that came back cut short on every try, gave nothing, like a 5xx: both count
    # as errors (newscrawl/dropped/parser_error, newscrawl/dropped/truncated)
    parser_errors = stats.get(f"{DROPPED}/parser_error", 0)
    errors = (sum(v for k, v in statuses.items() if k >= 500) + stats.get(DOWNLOAD_EXCEPTIONS, 0)
              + parser_errors + stats.get(f"{DROPPED}/truncated", 0))
    bans = statuses.get(403, 0) + statuses.get(429, 0)
    written = sum(under(stats, WRITTEN).values())
    reason = stats.get(FINISH_REASON)
    verdicts = {
        "started": True,
        "finished": reason == "finished" and ended_cleanly,
        "reachable": reason != "host_unreachable",
        "not_blocked": reason != "blocked",
        "error_rate": round(errors / requests, 4) if requests else 0.0,
        "errors_ok": (errors / requests if requests else 0.0) <= settings.getfloat("NEWSCRAWL_HEALTH_MAX_ERROR_RATE"),
        "parser_errors": parser_errors,
        "bans": bans,
        "bans_ok": bans <= settings.getint("NEWSCRAWL_HEALTH_MAX_BANS"),
        "lost": sum(under(stats, LOST).values()),
        "drift_ok": not stats.get(UNHEALTHY),
        "new_items_ok": not (stats.get(f"{INCREMENTAL}/unseen", 0) > 0 and written == 0),
        # distributed mode (newscrawl/distributed/frontier.py): what the whole crawl lost, seen at this worker's end
        "requests_given_up": stats.get(CRAWL_GIVEN_UP, 0),
        "seeding_complete": stats.get(SEEDING_COMPLETE, True),
        # replay (newscrawl/archive/resync.py): records in unreadable regions of the WARC files are lost
        "archive_ok": not any(under(stats, REPLAY_UNREADABLE).values()),
    }
    nothing_lost = verdicts["requests_given_up"] == 0 and verdicts["seeding_complete"]
    if reason in FINISH_REASON_CODES:
        code = FINISH_REASON_CODES[reason]
    elif not verdicts["finished"]:
        code = ENDED_EARLY
    elif not (nothing_lost and verdicts["archive_ok"]) or verdicts["lost"]:
        code = WORK_LOST
    elif not (verdicts["errors_ok"] and verdicts["bans_ok"]):
        code = ERRORS_OR_BANS
    elif not verdicts["drift_ok"]:
        code = DRIFT
    elif not verdicts["new_items_ok"]:
        code = NOTHING_NEW
    else:
        code = OK
    return code, verdicts
