"""Offline crawls: the source that answers every request (NEWSCRAWL_MIRROR or NEWSCRAWL_REPLAY), and the
settings that go with having no host to spare."""

from __future__ import annotations

from functools import lru_cache

from newscrawl.archive.replay import load_archive
from newscrawl.downloader.mirror import Mirror, MirrorError

# Chromium resolves names on its own (its own update and account services, prefetching) even when every page
# request is answered by routing. Offline nothing may leave the machine: no name resolves.
NO_NAME_RESOLVES = "--host-resolver-rules=MAP * ~NOTFOUND"


def is_offline(settings) -> bool:
    return bool(settings.get("NEWSCRAWL_MIRROR") or settings.get("NEWSCRAWL_REPLAY"))


def check_one_source(settings) -> None:
    if settings.get("NEWSCRAWL_MIRROR") and settings.get("NEWSCRAWL_REPLAY"):
        raise MirrorError("NEWSCRAWL_MIRROR and NEWSCRAWL_REPLAY are both set: choose one source")


@lru_cache(maxsize=4)
def load_mirror(directory: str) -> Mirror:
    """One Mirror per directory in a process: the check before the crawl and both download handlers (http, https)
    share it, as they share an Archive (archive.replay.load_archive)."""
    return Mirror(directory)


def is_hit(status: int, body: bytes) -> bool:
    """An answer the source held: a URL it lacks answers 404 with an empty body."""
    return status != 404 or bool(body)


def offline_source(settings):
    """The Mirror or Archive answering every request, or None for a live crawl. Both answer
    `answer(url) -> (status, headers, body)`; unknown URLs answer 404."""
    check_one_source(settings)
    mirror, replay = settings.get("NEWSCRAWL_MIRROR"), settings.get("NEWSCRAWL_REPLAY")
    if mirror:
        return load_mirror(str(mirror))
    if replay:
        return load_archive(replay, settings.get("NEWSCRAWL_REPLAY_AT") or None)
    return None


class OfflineAddon:
    """Offline there is no host to spare: no politeness delay, full concurrency; and the browser resolves no
    name, so an offline crawl sends nothing off the machine.

    Set at "spider" priority: above settings.py, below `-s` on the command line.
    """

    def update_settings(self, settings):
        if not is_offline(settings):
            return
        launch = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
        launch["args"] = [*launch.get("args", []), NO_NAME_RESOLVES]
        for name, value in {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "DOWNLOAD_DELAY_JITTER": 0,
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        }.items():
            settings.set(name, value, priority="spider")
