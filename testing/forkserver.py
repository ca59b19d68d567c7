"""A fork server for the test suite's crawls: `scrapy crawl` in a process of its own, without paying Python's start.

Why: a `python -m scrapy crawl dawn` spends about 1 CPU-second importing Scrapy, Twisted and newscrawl before it
fetches anything, and the suite runs some 200 crawls on a 2-core machine (issue #18). This server imports all that
once, single-threaded, and forks a crawl per request (testing/forked_process.py asks): the crawl process gets the command's argv, working directory,
environment and standard streams, runs `scrapy.cmdline.execute` as `python -m scrapy` would, and its reactor is
installed there, fresh (the server never imports `twisted.internet.reactor`). What it saves is only the imports:
0.07 CPU-s for a one-page crawl instead of 1.08.

What differs from a fresh interpreter, and why it does not matter to the tests: modules are imported before the
environment is set (no newscrawl module reads the environment at import), and PYTHONUNBUFFERED is applied by making
stdout and stderr write through. Tests that are about the start itself (exit codes of a bad command line, start-up
errors, kills during start, the lock, cron, scrapyd) run real subprocesses; tests/test_forkserver.py checks that a
forked crawl and a subprocess crawl write the same items, stats and exit code. NEWSCRAWL_TEST_FORK=0 turns it off.

Protocol (AF_UNIX, SEQPACKET): the client sends one JSON message {argv, cwd, env} with its stdin, stdout and stderr
descriptors; the server forks a monitor, which forks the crawl, sends "<pid>", waits for the crawl and sends its
exit code as subprocess.Popen reports it (-N for a signal). The server ends when its parent does.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import signal
import socket
import sys
import threading
import traceback

MAX_MESSAGE = 1 << 20  # bytes: argv and environment of one request


def preload() -> None:
    """Import what every crawl imports (Scrapy, the project's settings and every component they name), never the
    reactor: a forked crawl installs its own, as a fresh `scrapy crawl` does."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    import scrapy.cmdline  # noqa: F401
    import scrapy.commands.crawl  # noqa: F401
    from scrapy.utils.misc import load_object
    from scrapy.utils.project import get_project_settings

    import newscrawl.commands.scrapy_commands.crawl  # noqa: F401
    import spiders.dawn  # noqa: F401

    settings = get_project_settings()
    for name in ("ITEM_PIPELINES", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "DOWNLOAD_HANDLERS"):
        for key, value in settings.getwithbase(name).items():
            path = value if name == "DOWNLOAD_HANDLERS" else key  # handlers: scheme -> class
            if isinstance(path, str):
                load_object(path)
    if "twisted.internet.reactor" in sys.modules:
        raise RuntimeError("preloading installed a Twisted reactor: a forked crawl could not install its own")


def serve(path: str) -> None:
    preload()
    parent = os.getppid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the monitors are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path + ".binding")
    listener.listen(64)
    os.rename(path + ".binding", path)  # the client waits for `path`: once there, it is listened on
    listener.settimeout(1.0)
    while os.getppid() == parent:  # the test process that started this server is gone: so is the server
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        conn.setblocking(True)
        message, fds, _, _ = socket.recv_fds(conn, MAX_MESSAGE, 3)
        if message and len(fds) == 3 and os.fork() == 0:
            listener.close()
            monitor(conn, json.loads(message), fds)
        conn.close()
        for fd in fds:
            os.close(fd)
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def monitor(conn: socket.socket, request: dict, fds: list[int]) -> None:
    """Fork the crawl, tell the client its pid, wait for it and tell its exit code. Never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    pid = os.fork()
    if pid == 0:
        conn.close()
        crawl(request, fds)
    for fd in fds:
        os.close(fd)
    try:
        conn.send(str(pid).encode())
        _, status = os.waitpid(pid, 0)
        conn.send(str(os.waitstatus_to_exitcode(status)).encode())
    finally:
        os._exit(0)


def crawl(request: dict, fds: list[int]) -> None:
    """The crawl process: the request's streams, directory, environment and argv, then `scrapy` as
    `python -m scrapy` runs it, and the interpreter's exit steps (threads joined, atexit). Never returns."""
    code = 1
    try:
        for number, fd in enumerate(fds):
            os.dup2(fd, number)
        for fd in set(fds) - {0, 1, 2}:
            os.close(fd)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(number, signal.default_int_handler if number == signal.SIGINT else signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=sys.stdin.encoding)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=sys.stdout.encoding,
                                      line_buffering=True, write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=sys.stderr.encoding,
                                      errors="backslashreplace", line_buffering=True, write_through=True)
        import scrapy.__main__
        import scrapy.cmdline

        sys.argv = [scrapy.__main__.__file__, *request["argv"]]
        try:
            scrapy.cmdline.execute(sys.argv)
            code = 0
        except SystemExit as exit:
            code = exit_code(exit.code)
        except BaseException:
            traceback.print_exc()
        threading._shutdown()  # as the interpreter does at exit: non-daemon threads finish first
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def exit_code(value) -> int:
    """The process's exit code for sys.exit(value), as Python gives it."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1


if __name__ == "__main__":
    serve(sys.argv[1])
