"""A made-up history of hourly `newscrawl-cron` run records (runs.jsonl lines, the fields newscrawl/commands/cron.py
`run_record` writes), for the report's tests and its timing: a slow drift of field coverage, and one failed day
whose runs exit 4 with errors. Invented figures, not measured ones."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path


def run_history(count: int, first: datetime, failed_day: str | None = None, seed: int = 23) -> list[dict]:
    """`count` hourly run records from `first`; every run of `failed_day` (YYYY-MM-DD) failed (exit 4)."""
    rng = random.Random(seed)
    runs = []
    for number in range(count):
        start = first + timedelta(hours=number)
        failed = start.date().isoformat() == failed_day
        drift = number / max(1, count)  # authors' coverage sinks slowly over the history
        minutes = rng.uniform(2, 6) + (20 if failed else 0)
        runs.append({
            "start": start.isoformat(timespec="seconds"),
            "end": (start + timedelta(minutes=minutes)).isoformat(timespec="seconds"),
            "exit_code": 4 if failed else 0,
            "exit_meaning": "too many errors or bans" if failed else "ok",
            "spider_args": [], "settings": [], "finish_reason": "finished",
            "pages": rng.randint(12, 40), "requests": rng.randint(12, 40),
            "items_by_type": {"Article": rng.randint(0, 12), "EditorialTeaser": rng.randint(0, 2)},
            "new": {}, "updated": {}, "drops_by_reason": {},
            "errors": rng.randint(30, 60) if failed else rng.choice((0, 0, 0, 1)),
            "http_status": {"200": 20},
            "coverage": {"title": 1.0, "body": 1.0, "published_at": 1.0, "authors": round(0.95 - 0.3 * drift, 3),
                         "images": round(rng.uniform(0.6, 0.9), 3)},
            "feed_agreement": {"compared": 8, "below_share": round(rng.choice((0.0, 0.0, 0.125)), 3)},
            "story_not_found": {"pages": 0, "share": 0.0},
            "verdicts": {},
            "completeness": None,
        })
    return runs


def write_history(path: Path, runs: list[dict], append_to: Path | None = None) -> None:
    """Write the runs, then the lines of `append_to` (real run records, which come last: they are the newest)."""
    real = append_to.read_text(encoding="utf-8") if append_to is not None and append_to.exists() else ""
    path.write_text("".join(json.dumps(run) + "\n" for run in runs) + real, encoding="utf-8")


def year_of_hourly_runs(failed_day: str = "2025-03-14") -> list[dict]:
    return run_history(8760, datetime(2024, 6, 20, 0, 17, tzinfo=UTC), failed_day)
