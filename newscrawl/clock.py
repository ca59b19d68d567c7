"""The clock: the one "now" every record of ours carries, and "today" as Dawn dates its pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

# Dawn dates its pages and archives in Pakistan time, +05:00 all year (no daylight saving).
DAWN_TIMEZONE = timezone(timedelta(hours=5))


def utc_now() -> str:
    """Now, as the ISO 8601 UTC time every record of ours carries (fetched_at, state, run records)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def dawn_today() -> date:
    """Today's date in Pakistan: the newest day of Dawn's date archives."""
    return datetime.now(DAWN_TIMEZONE).date()
