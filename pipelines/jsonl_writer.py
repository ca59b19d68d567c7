"""Pipeline 8: append each item as one JSON line to `<NEWSCRAWL_OUTPUT_DIR>/articles.jsonl` or
`editorial_teasers.jsonl`. One write and one flush per item, so a killed crawl leaves whole lines; a torn
last line left by a crash (power loss, full disk) is cut off when the file is next opened. Lines are
appended across runs, never rewritten. Scrapy's own feed exports (-o/-O) are untouched by this.

With a state store (NEWSCRAWL_STATE), lines are fsynced and then recorded in one SQLite transaction together
with the files' new end offsets: in batches, when RECORD_EVERY_LINES lines are waiting, when RECORD_EVERY_SECONDS
have passed since the last batch (checked as each item is written), when the crawl goes idle and when it ends.
On start, lines past the recorded offset (written, then killed before being recorded) are recorded. So an item the
store holds as emitted is on disk in the file, and every line is in the store.

Distributed mode (NEWSCRAWL_REDIS_URL): each worker writes `articles.<worker>.jsonl` and
`editorial_teasers.<worker>.jsonl` (NEWSCRAWL_WORKER), and claims each item in the Redis store before writing
it, so that no item is written by two workers (docs/SCALING.md)."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import fields as dataclass_fields
from pathlib import Path

from scrapy import signals

from newscrawl.crawl.drops import drop, item_type
from newscrawl.distributed.mode import worker_name
from newscrawl.items import Article, EditorialTeaser
from newscrawl.state.sqlite import state_for
from newscrawl.stats_keys import OUTPUT_LINES_RECOVERED, OUTPUT_TORN_BYTES_REMOVED, WRITTEN

logger = logging.getLogger(__name__)

FILE_NAMES = {Article: "articles.jsonl", EditorialTeaser: "editorial_teasers.jsonl"}
# One fsync and one transaction per line cost more than the rest of an offline crawl's pipelines together (far more
# when the disk is busy); in batches that cost is shared. In a live crawl pages come seconds apart, so the first
# item of each page records what waited since the page before. A kill loses no line either way (each is flushed
# as it is written, and the next start records the lines past the offset).
RECORD_EVERY_LINES = 100
RECORD_EVERY_SECONDS = 1.0


def file_name(item_cls: type, worker: str | None = None) -> str:
    """`articles.jsonl`; in distributed mode each worker writes its own, `articles.<worker>.jsonl`."""
    name = FILE_NAMES[item_cls]
    return name.replace(".jsonl", f".{worker}.jsonl") if worker else name


def repair_torn_tail(path: Path) -> int:
    """Cut a last line that has no newline (a write cut short). Returns the bytes removed."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    with path.open("rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        position = size
        while position > 0:
            step = min(65536, position)
            handle.seek(position - step)
            chunk = handle.read(step)
            if position == size and chunk.endswith(b"\n"):
                return 0
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                position = position - step + newline + 1
                break
            position -= step
        handle.truncate(position)
        return size - position


class JsonLinesWriterPipeline:
    def __init__(self, output_dir: str, stats, state=None, worker: str | None = None):
        self.output_dir = Path(output_dir)
        self.stats = stats
        self.state = state
        self.worker = worker
        self.files: dict[type, object] = {}
        # lines written and flushed, waiting to be fsynced and recorded (kind, fields, discovered_modified)
        self.unrecorded: list[tuple[str, dict, str | None]] = []
        self.unsynced: set = set()  # the files they were written to
        self.last_recorded = 0.0  # time.monotonic() of the last batch
        # once per crawl, not per item: the field names of each item class, in declaration order
        self.field_names = {item_cls: [f.name for f in dataclass_fields(item_cls)] for item_cls in FILE_NAMES}

    @classmethod
    def from_crawler(cls, crawler):
        writer = cls(crawler.settings.get("NEWSCRAWL_OUTPUT_DIR"), crawler.stats, state_for(crawler),
                     worker_name(crawler.settings))
        # a bound method of the pipeline, which the crawler keeps (signal receivers are weak references)
        crawler.signals.connect(writer.record_written, signal=signals.spider_idle)
        return writer

    def open_spider(self):
        self.output_dir.mkdir(parents=True, exist_ok=True)
        for item_cls in FILE_NAMES:
            path = self.output_dir / file_name(item_cls, self.worker)
            if removed := repair_torn_tail(path):
                logger.warning("%s ended in a torn line (%d bytes); cut it off", path, removed)
                self.stats.inc_value(OUTPUT_TORN_BYTES_REMOVED, removed)
            if self.state is not None and (recorded := self.state.catch_up(path, item_cls.__name__)):
                logger.warning("%s: %d line(s) written but not recorded (a killed crawl); recorded them", path, recorded)
                self.stats.inc_value(OUTPUT_LINES_RECOVERED, recorded)
            self.files[item_cls] = path.open("ab")

    def close_spider(self):
        self.record_written()
        for handle in self.files.values():
            handle.close()

    def process_item(self, item):
        handle = self.files.get(type(item))
        if handle is None:
            return item  # not one of ours: Scrapy's feed exports can still take it
        # the item's own fields, shallow: json.dumps reads nested lists and dicts as they are (no deep copy)
        fields = {name: getattr(item, name) for name in self.field_names[type(item)]}
        if self.state is not None and not self.state.claim(item_type(item), fields, handle.name, handle.tell()):
            # distributed mode: another worker has written this item (or this version of it) already
            raise drop(self.stats, f"emitted_elsewhere_{item_type(item)}", item, "written by another worker",
                       log_level="DEBUG")
        handle.write((json.dumps(fields, ensure_ascii=False) + "\n").encode("utf-8"))
        handle.flush()
        if self.state is not None:
            discovered = self.state.discovered_modified(fields.get("article_id"))
            if not self.state.records_in_batches:
                os.fsync(handle.fileno())  # the line is on disk before the store says it is
                self.state.record_item(item_type(item), fields, handle.name, handle.tell(), discovered)
            else:
                self.unrecorded.append((item_type(item), fields, discovered))
                self.unsynced.add(handle)
                if (len(self.unrecorded) >= RECORD_EVERY_LINES
                        or time.monotonic() - self.last_recorded >= RECORD_EVERY_SECONDS):
                    self.record_written()
        self.stats.inc_value(f"{WRITTEN}/{item_type(item)}")
        return item

    def record_written(self) -> None:
        """Record the lines written since the last batch, with the offsets their files now end at."""
        if not self.unrecorded:
            return
        for handle in self.unsynced:
            os.fsync(handle.fileno())  # the lines are on disk before the store says they are
        self.state.record_items(self.unrecorded, {handle.name: handle.tell() for handle in self.unsynced})
        self.unrecorded, self.unsynced, self.last_recorded = [], set(), time.monotonic()
