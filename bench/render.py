#!/usr/bin/env python3
"""Benchmark: what rendering costs. Two crawls of the offline site (fixtures/site), measured in one run:

  (a) rendering on, as configured: only the pages that need JavaScript are rendered;
  (b) every HTML page rendered (NEWSCRAWL_RENDER_PATTERNS='.*').

For each: pages per second (pages downloaded plainly, the same set in both crawls, over the crawl's wall time)
and peak memory of the crawl's whole process tree (Python, the Playwright driver and every Chromium process),
sampled from /proc every 50 ms: the sum of RSS (counts pages shared between Chromium processes once per
process, so an overestimate) and the sum of PSS (shared pages divided among their users). Then the ratios.

    .venv/bin/python bench/render.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "fixtures" / "site"
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree(pid: int) -> list[int]:
    children, found, todo = children_map(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """(rss, pss) of one process in KiB; (0, 0) when it is gone."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0, 0
    pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
                break
    except OSError:
        pss = rss
    return rss, pss


class TreeSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self.peak_processes = 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            pids = tree(self.pid)
            rss = pss = 0
            for pid in pids:
                r, p = memory_kb(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.stopped.wait(self.interval)


def crawl(label: str, settings: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        out = Path(tmp)
        command = [sys.executable, "-m", "scrapy", "crawl", "dawn", "-s", f"NEWSCRAWL_OUTPUT_DIR={out}",
                   "-s", f"NEWSCRAWL_MIRROR={SITE}", "-s", f"NEWSCRAWL_STATE={out / 'state.sqlite'}",
                   "-s", "NEWSCRAWL_SUMMARY=0", "-s", "NEWSCRAWL_PROGRESS=0", "-s", "LOG_LEVEL=WARNING"]
        for name, value in settings.items():
            command += ["-s", f"{name}={value}"]
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, stderr = process.communicate(timeout=900)
        wall = time.monotonic() - started
        sampler.stopped.set()
        sampler.join()
        stats_path = out / "last_crawl.json"
        if not stats_path.exists():
            sys.exit(f"{label}: the crawl wrote no stats\n{stderr[-3000:]}")
        stats = json.loads(stats_path.read_text())
    pages = stats.get("newscrawl/plain/pages", 0)
    crawl_seconds = stats.get("newscrawl/wall_seconds") or wall
    return {
        "label": label,
        "pages": pages,
        "rendered": stats.get("newscrawl/render/pages", 0),
        "render_failures": stats.get("newscrawl/render/failures", 0),
        "render_seconds": stats.get("newscrawl/render/seconds", 0.0),
        "articles": stats.get("newscrawl/written/Article", 0),
        "crawl_seconds": crawl_seconds,
        "process_seconds": wall,
        "pages_per_second": pages / crawl_seconds if crawl_seconds else 0.0,
        "peak_rss_mb": sampler.peak_rss / 1024,
        "peak_pss_mb": sampler.peak_pss / 1024,
        "peak_processes": sampler.peak_processes,
        "finish_reason": stats.get("finish_reason"),
    }


def show(result: dict) -> None:
    print(f"{result['label']}\n"
          f"  pages {result['pages']} ({result['rendered']} rendered, {result['render_failures']} render failures, "
          f"{result['articles']} articles written), finish {result['finish_reason']}\n"
          f"  crawl {result['crawl_seconds']:.2f} s (process {result['process_seconds']:.2f} s, "
          f"browser time {result['render_seconds']:.2f} s)\n"
          f"  {result['pages_per_second']:.2f} pages/s\n"
          f"  peak memory, Python + browser: {result['peak_pss_mb']:.0f} MB PSS, {result['peak_rss_mb']:.0f} MB RSS "
          f"({result['peak_processes']} processes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="run each crawl N times, keep the fastest")
    args = parser.parse_args()
    runs = {"a": [], "b": []}
    for _ in range(args.repeat):
        runs["a"].append(crawl("(a) rendering on: only the JavaScript pages rendered", {}))
        runs["b"].append(crawl("(b) every page rendered (NEWSCRAWL_RENDER_PATTERNS='.*')",
                               {"NEWSCRAWL_RENDER_PATTERNS": ".*"}))
    a = max(runs["a"], key=lambda r: r["pages_per_second"])
    b = max(runs["b"], key=lambda r: r["pages_per_second"])
    show(a)
    show(b)
    print("ratio (a)/(b)\n"
          f"  speed: (a) is {a['pages_per_second'] / b['pages_per_second']:.1f}x as fast as (b)\n"
          f"  peak memory: (b) needs {b['peak_pss_mb'] / a['peak_pss_mb']:.2f}x the PSS of (a) "
          f"({b['peak_rss_mb'] / a['peak_rss_mb']:.2f}x the RSS)")


if __name__ == "__main__":
    main()
