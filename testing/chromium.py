"""Tests that need a real Chromium (Debian's /usr/bin/chromium, installed by scripts/setup.sh with apt).

Under CI they never skip: a missing browser fails them. Locally, without CI set, they skip when it is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_CRAWL_TIMEOUT = 180  # seconds: every crawl that starts a browser is bounded (the subprocess is killed)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def have_chromium() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def require_chromium() -> None:
    if have_chromium():
        return
    if in_ci():
        pytest.fail(f"CI=true but {CHROMIUM} is missing: scripts/setup.sh installs it (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI runs this test")
