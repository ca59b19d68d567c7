"""The two things the leased frontier needs from Scrapy's engine that Scrapy offers no public way to read or do.

- `requests_in_progress(engine)`: the requests the engine has not finished with. A request stays in it from the
  moment the scheduler hands it over until its callback or errback has run and every item it produced has left
  the pipelines; a lease is acknowledged only after that (frontier.py). Scrapy has no signal for "this request's
  scraping is done"; this set is what the engine itself waits for before it closes.
- `wake(engine)`: ask the engine to look at the scheduler now. An idle engine looks again only every 5 s on its
  own (its heartbeat); requests that another worker queued in Redis would wait that long.

Both read `engine._slot` (`inprogress`, `nextcall`), private in Scrapy 2.19. pyproject.toml pins Scrapy to
>=2.19,<2.20 for this; tests/test_engine_adapter.py runs a real engine and fails when an upgrade changes either
(the name or the meaning), and `check(engine)` stops a worker at start with one line instead of losing leases.
"""

from __future__ import annotations

SUPPORTED_SCRAPY = ">=2.19,<2.20"


class EngineChanged(RuntimeError):
    """The installed Scrapy's engine lacks what the leased frontier relies on."""


def check(engine) -> None:
    slot = getattr(engine, "_slot", None)
    if slot is None or not isinstance(getattr(slot, "inprogress", None), set) \
            or not callable(getattr(getattr(slot, "nextcall", None), "schedule", None)):
        import scrapy

        raise EngineChanged(f"Scrapy {scrapy.__version__}'s engine has no _slot.inprogress set or _slot.nextcall: "
                            f"distributed mode supports Scrapy {SUPPORTED_SCRAPY} (newscrawl/distributed/engine_adapter.py)")


def requests_in_progress(engine) -> set:
    """The requests the engine is not done with (empty before the engine opened its slot or after it closed)."""
    slot = getattr(engine, "_slot", None) if engine is not None else None
    return slot.inprogress if slot is not None else set()


def wake(engine) -> None:
    slot = getattr(engine, "_slot", None) if engine is not None else None
    if slot is not None:
        slot.nextcall.schedule()
