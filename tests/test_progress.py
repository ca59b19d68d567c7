"""The live progress line, on a real pseudo-terminal: drawn while the crawl runs, and never left glued to a log
line or to the summary (the terminal's final screen is replayed from the bytes the crawl wrote)."""

import os
import pty
import re
import select
import subprocess
import sys
import time

from tests.conftest import ROOT, SITE

TIMEOUT = 120
_TOKEN = re.compile(r"\x1b\[K|\r|\n|.", re.DOTALL)


def screen(output: str) -> list[str]:
    """What a terminal shows after `output`: carriage return, erase-to-end-of-line and newline are obeyed."""
    lines, row, col = [""], 0, 0
    for token in _TOKEN.findall(output):
        if token == "\n":
            row, col = row + 1, 0
            lines.append("")
        elif token == "\r":
            col = 0
        elif token == "\x1b[K":
            lines[row] = lines[row][:col]
        else:
            lines[row] = lines[row][:col].ljust(col) + token + lines[row][col + 1:]
            col += 1
    return lines


def test_screen_replay():
    assert screen("abc\r\x1b[Kxy\nz") == ["xy", "z"]
    assert screen("abcdef\rXY") == ["XYcdef"]


def crawl_on_a_terminal(tmp_path) -> str:
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "scrapy", "crawl", "dawn", "-s", f"NEWSCRAWL_MIRROR={SITE}",
               "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path}", "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}",
               "-s", "NEWSCRAWL_RENDER=0", "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.2", "-s", "LOG_LEVEL=INFO",
               # slow enough for several refreshes between log lines
               "-s", "DOWNLOAD_DELAY=0.02", "-s", "CONCURRENT_REQUESTS=2"]
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal,
                               env={**os.environ, "TERM": "xterm"})
    os.close(terminal)
    chunks, deadline = [], time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 1)
            if ready:
                try:
                    data = os.read(controller, 65536)
                except OSError:  # the crawl closed the terminal: everything is read
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    return b"".join(chunks).decode("utf-8", "replace")


PROGRESS = re.compile(r"newscrawl: \d+ pages, \d+ items written, \d+ dropped, \d+ pages/min")
LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[\w.]+\] [A-Z]+: ")


def test_progress_line_is_drawn_then_erased_before_anything_else_is_written(tmp_path):
    output = crawl_on_a_terminal(tmp_path)
    assert len(PROGRESS.findall(output)) >= 3, output[-3000:]  # it was drawn, and refreshed
    shown = [line for line in screen(output) if line.strip()]
    # none is left on the screen, alone or glued to other text: the summary has the final figures
    assert not [line for line in shown if PROGRESS.search(line)], shown
    # every log record starts at the beginning of its line
    assert all(LOG_RECORD.match(line) for line in shown if LOG_RECORD.search(line))
    summary = [line for line in shown if "newscrawl: crawl finished" in line]
    assert len(summary) == 1 and summary[0].startswith("newscrawl: crawl finished (finished)")
    start = shown.index(summary[0])
    assert shown[start + 1].startswith("  pages fetched: ") and any(line.startswith("  stats:  ") for line in shown[start:])
