"""Pipeline 7: append each item as one JSON line to `<NEWSCRAWL_OUTPUT_DIR>/articles.jsonl` or
`editorial_teasers.jsonl`. One write and one flush per item, so a killed crawl leaves whole lines; a torn
last line left by a crash (power loss, full disk) is cut off when the file is next opened. Lines are
appended across runs, never rewritten. Scrapy's own feed exports (-o/-O) are untouched by this.

With a state store (NEWSCRAWL_STATE), each line is fsynced and then recorded in one SQLite transaction together
with the file's new end offset; on start, lines past the recorded offset (written, then killed before being
recorded) are recorded. So an item the store holds as emitted is in the file, and every line is in the store.

Distributed mode (NEWSCRAWL_REDIS_URL): each worker writes `articles.<worker>.jsonl` and
`editorial_teasers.<worker>.jsonl` (NEWSCRAWL_WORKER), and claims each item in the Redis store before writing
it, so that no item is written by two workers (docs/SCALING.md)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import fields as dataclass_fields
from pathlib import Path

from newscrawl.drops import drop, item_type
from newscrawl.distributed import worker_name
from newscrawl.items import Article, EditorialTeaser
from newscrawl.state import state_for
from newscrawl.stats_keys import OUTPUT_LINES_RECOVERED, OUTPUT_TORN_BYTES_REMOVED, WRITTEN

logger = logging.getLogger(__name__)

FILE_NAMES = {Article: "articles.jsonl", EditorialTeaser: "editorial_teasers.jsonl"}


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
        # once per crawl, not per item: the field names of each item class, in declaration order
        self.field_names = {item_cls: [f.name for f in dataclass_fields(item_cls)] for item_cls in FILE_NAMES}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("NEWSCRAWL_OUTPUT_DIR"), crawler.stats, state_for(crawler),
                   worker_name(crawler.settings))

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
            os.fsync(handle.fileno())  # the line is on disk before the store says it is
            self.state.record_item(item_type(item), fields, handle.name, handle.tell(),
                                   self.state.discovered_modified(fields.get("article_id")))
        self.stats.inc_value(f"{WRITTEN}/{item_type(item)}")
        return item
