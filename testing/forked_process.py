"""The test process's side of the fork server (testing/forkserver.py): subprocess.Popen and subprocess.run for a
`python -m scrapy` command, forked from a server that has Scrapy and newscrawl imported already."""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from testing.files import ROOT

SWITCH = "NEWSCRAWL_TEST_FORK"  # "1": tests/conftest.py's default; bench/ leaves it unset and starts real processes


def enabled() -> bool:
    return os.environ.get(SWITCH, "0") == "1"


class ForkedProcess:
    """What the tests use of subprocess.Popen, for a crawl the server forked (not this process's child: its exit
    code comes from the server's monitor)."""

    def __init__(self, args: list[str], conn: socket.socket):
        self.args, self._conn, self.returncode = args, conn, None
        self.pid = int(conn.recv(64))

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._conn], [], [], 0)[0]:
            self._read_exit_code()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._conn], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(self.args, timeout)
            self._read_exit_code()
        return self.returncode

    def _read_exit_code(self) -> None:
        message = self._conn.recv(64)
        self._conn.close()
        if not message:
            raise RuntimeError(f"the fork server's monitor of pid {self.pid} ended without its exit code")
        self.returncode = int(message)

    def send_signal(self, number: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, number)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


_server: tuple[subprocess.Popen, str] | None = None


def server_socket() -> str:
    """This test process's fork server (started on first use, ended with the process): its socket's path."""
    global _server
    if _server is None or _server[0].poll() is not None:
        directory = tempfile.mkdtemp(prefix="newscrawl-forkserver-")
        path, log = os.path.join(directory, "socket"), os.path.join(directory, "server.log")
        with open(log, "wb") as output:
            process = subprocess.Popen([sys.executable, "-m", "testing.forkserver", path], cwd=ROOT,
                                       stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
        atexit.register(stop_server, process, directory)
        deadline = time.monotonic() + 60
        while not os.path.exists(path):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the fork server did not start: {open(log, errors='replace').read()[-3000:]}")
            time.sleep(0.05)
        _server = (process, path)
    return _server[1]


def stop_server(process: subprocess.Popen, directory: str) -> None:
    process.kill()
    process.wait()
    shutil.rmtree(directory, ignore_errors=True)


def unbuffered_environment() -> dict:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def start(command: list[str], cwd=ROOT, env: dict | None = None, stdin=None, stdout=None, stderr=None):
    """subprocess.Popen(command, ...) for a crawl: forked by the server when enabled(), else a fresh interpreter.
    The environment is this process's, unbuffered, unless given."""
    env = unbuffered_environment() if env is None else env
    if enabled():
        return popen(command, cwd, env, stdin, stdout, stderr)
    return subprocess.Popen(command, cwd=cwd, env=env, stdin=stdin, stdout=stdout, stderr=stderr)


def run_scrapy(command: list[str], cwd=ROOT, env: dict | None = None, timeout: float = 120):
    """subprocess.run(command, capture_output=True, text=True, ...) for a `python -m scrapy` command: forked by the
    server when enabled(), else in a fresh interpreter. The environment is this process's, unbuffered, unless given."""
    env = unbuffered_environment() if env is None else env
    if enabled():
        return run(command, cwd, env, timeout)
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def popen(command: list[str], cwd, env: dict, stdin=None, stdout=None, stderr=None) -> ForkedProcess:
    """subprocess.Popen(command, cwd=..., env=..., stdin=..., stdout=..., stderr=...) for a `python -m scrapy`
    command, forked by the server. A stream is a file object, a descriptor, None (this process's own) or, for
    stderr, subprocess.STDOUT."""
    if command[:3] != [sys.executable, "-m", "scrapy"]:
        raise ValueError(f"the fork server runs `python -m scrapy` commands only, not {command[:3]}")
    with open(os.devnull, "rb+") as devnull:
        streams = [descriptor(stream, default, devnull) for stream, default in ((stdin, 0), (stdout, 1), (stderr, 2))]
        if stderr == subprocess.STDOUT:
            streams[2] = streams[1]
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        conn.connect(server_socket())
        request = {"argv": command[3:], "cwd": str(cwd), "env": dict(env)}
        socket.send_fds(conn, [json.dumps(request).encode()], streams)  # the server has its own copies now
    return ForkedProcess(command, conn)


def descriptor(stream, default: int, devnull) -> int:
    if stream is None or stream == subprocess.STDOUT:
        return default
    if stream == subprocess.DEVNULL:
        return devnull.fileno()
    return stream if isinstance(stream, int) else stream.fileno()


def run(command: list[str], cwd, env: dict, timeout: float) -> subprocess.CompletedProcess:
    """subprocess.run(command, capture_output=True, text=True, timeout=timeout, ...), forked by the server."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = popen(command, cwd, env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        out.seek(0), err.seek(0)
        return subprocess.CompletedProcess(command, process.returncode, out.read().decode(errors="replace"),
                                           err.read().decode(errors="replace"))
