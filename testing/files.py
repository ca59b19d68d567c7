"""The repository's paths and the small file and process helpers tests and benches both use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SITE = FIXTURES / "site"
EXPECTED = FIXTURES / "expected"


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_mirror(directory: Path, pages: dict[str, tuple[int, str, bytes]]) -> Path:
    """A small mirror: {url: (status, content_type, body)}, plus a permissive robots.txt."""
    directory.mkdir(parents=True, exist_ok=True)
    pages = {"https://www.dawn.com/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /search\n"), **pages}
    lines = []
    for number, (url, (status, content_type, body)) in enumerate(pages.items()):
        name = f"page{number}.bin"
        (directory / name).write_bytes(body)
        lines.append(json.dumps({"url": url, "file": name, "status": status, "headers": {"Content-Type": content_type}}))
    (directory / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def peak_rss_of(command: list[str], timeout: float) -> int:
    """Peak RSS (KiB) of a command, measured in a fresh process of its own (no other child counts)."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True, timeout="
             f"{timeout}); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout + 30)
    if not done.stdout.strip():  # the command overran `timeout`: no figure, rather than a reassuring 0
        raise RuntimeError(f"no peak RSS measured for {command[:4]}...: {done.stderr[-500:]}")
    return int(done.stdout.strip())
