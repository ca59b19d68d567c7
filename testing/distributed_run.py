"""Real processes for the distributed tests and bench/scale.py: a Redis server on a free port (Debian's
redis-server; never a mock), and `scrapy crawl dawn` workers in distributed mode, each its own process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

from testing import forked_process
from testing.crawls import TEST_CRAWL_DEFAULTS
from testing.files import read_jsonl

REDIS_SERVER = "/usr/bin/redis-server"


PORTS_PER_WORKER = 400
_next_port: list[int] = []


def require_redis() -> None:
    """Skip without Debian's redis-server, but never under CI (as testing/chromium.py does for Chromium)."""
    import pytest

    from testing.chromium import in_ci

    if not os.access(REDIS_SERVER, os.X_OK):
        if in_ci():
            pytest.fail(f"CI=true but {REDIS_SERVER} is missing (scripts/setup.sh installs it)")
        pytest.skip("needs Debian's redis-server")


def free_port() -> int:
    """A port free now on 127.0.0.1, for a service a test starts (redis-server, scrapyd). Each pytest-xdist worker
    draws from a block of its own (gw0: 20000-20399, gw1: 20400-...; one process: the block after the last worker's),
    below the kernel's ephemeral ports (32768 and up): between asking and the service binding it, no other worker
    of the run, and no outgoing connection, takes the same port."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    block = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 30
    first = 20000 + (block % 31) * PORTS_PER_WORKER
    if not _next_port:
        _next_port.append(first + os.getpid() % PORTS_PER_WORKER)  # two runs side by side start apart
    for _ in range(PORTS_PER_WORKER):
        port = first + (_next_port[0] - first) % PORTS_PER_WORKER
        _next_port[0] = port + 1
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue  # in use (a service still running, another program)
            return port
    raise RuntimeError(f"no free port in {first}-{first + PORTS_PER_WORKER - 1}")


class RedisServer:
    """redis-server on 127.0.0.1 with an append-only file in `directory` written out every second, as docs/SCALING.md
    configures a production one; a stop (SIGTERM) writes it out, so a stop and start keeps the data. (`always`, an
    fsync per write, cost the distributed tests 15% more CPU and no test kills Redis with SIGKILL.)"""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "no"],
            stdout=open(self.directory / "redis.log", "ab"), stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return self
            except (redis.ConnectionError, redis.BusyLoadingError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start: {(self.directory / 'redis.log').read_text()}")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis-server flushes its append-only file and exits
            self.process.wait(timeout=20)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def worker_command(redis_url: str, worker: str, output_dir: Path, settings: dict, *args: str) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "dawn", "-s", f"NEWSCRAWL_REDIS_URL={redis_url}",
               "-s", f"NEWSCRAWL_WORKER={worker}", "-s", f"NEWSCRAWL_OUTPUT_DIR={output_dir}",
               "-s", "NEWSCRAWL_SUMMARY=0", "-s", "NEWSCRAWL_PROGRESS=0", "-s", "TELNETCONSOLE_ENABLED=0",
               "-s", "NEWSCRAWL_STATE=", "-s", "LOG_LEVEL=INFO"]
    for name, value in {**TEST_CRAWL_DEFAULTS, **settings}.items():  # no article worker process unless asked
        command += ["-s", f"{name}={value}"]
    return command + list(args)


class Workers:
    """N worker processes of one crawl; each logs to <output_dir>/<worker>.log."""

    def __init__(self, redis_url: str, output_dir: Path, settings: dict, count: int, args: tuple[str, ...] = ()):
        """`args`: the spider's arguments (`-a url_file=...`), the same for every worker."""
        self.redis_url, self.output_dir, self.settings, self.args = redis_url, output_dir, settings, args
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.names = [f"w{n + 1}" for n in range(count)]
        self.processes: dict[str, subprocess.Popen] = {}

    def command(self, name: str) -> list[str]:
        return worker_command(self.redis_url, name, self.output_dir, self.settings, *self.args)

    def start(self, name: str) -> None:
        with open(self.output_dir / f"{name}.log", "ab") as log:  # the worker has its own copy
            self.processes[name] = forked_process.start(self.command(name), stdout=log, stderr=subprocess.STDOUT)

    def start_all(self) -> "Workers":
        for name in self.names:
            self.start(name)
        return self

    def kill(self, name: str) -> None:
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait(timeout=10)

    def wait(self, timeout: float) -> bool:
        """True when every worker exited by itself within `timeout` seconds; else they are killed."""
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stop()
                return False
        return True

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

    def log(self, name: str) -> str:
        return (self.output_dir / f"{name}.log").read_text(errors="replace")

    def lines(self, kind: str = "articles") -> list[bytes]:
        """Every line of every worker's file of this kind, as bytes (a torn line stays visible)."""
        lines = []
        for path in sorted(self.output_dir.glob(f"{kind}.*.jsonl")):
            data = path.read_bytes()
            if data:
                lines += data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n")
        return lines

    def items(self, kind: str = "articles") -> list[dict]:
        return [item for path in sorted(self.output_dir.glob(f"{kind}.*.jsonl")) for item in read_jsonl(path)]
