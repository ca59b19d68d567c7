"""One export: OUTPUT_DIR's new lines -> DEST's tables, manifest and dataset card. Returns what it did."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from newscrawl.clock import utc_now
from newscrawl.export.card import write_card
from newscrawl.export.engine import connect, count_problems, load_lines
from newscrawl.export.incremental import choose, remove_superseded, save_keys, write_rows
from newscrawl.export.inputs import STATE_DIR, input_files, load_manifest, readable, record, save_manifest, segments
from newscrawl.export.tables import TABLES


JOURNAL = "journal.json"


class ExportError(Exception):
    """Input or DEST the export cannot work with: one line for the user, exit code 2."""


@dataclass(frozen=True)
class Options:
    format: str = "parquet"
    all_versions: bool = False
    schema: str | None = None
    since: str | None = None
    until: str | None = None
    section: str | None = None


def export(source: Path, dest: Path, options: Options) -> dict:
    if not source.is_dir():
        raise ExportError(f"--from {source}: not a directory")
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"--to {dest}: exists and is not a directory")
    if dest.exists() and any(dest.iterdir()) and not (dest / STATE_DIR).is_dir():
        raise ExportError(f"--to {dest}: a folder with other files in it (not an earlier export): use an empty one")
    manifest = load_manifest(dest)
    if manifest and manifest["options"] != asdict(options):
        raise ExportError(f"--to {dest} holds an export made with other options ({manifest['options']}): "
                          f"export into a new folder, or with the same options")
    finish(dest)  # an export killed while moving its files in: finish it first
    manifest = load_manifest(dest)
    manifest.setdefault("files", {})
    (dest / STATE_DIR).mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="work-", dir=dest / STATE_DIR))
    pending = workdir / "out"
    report = {"exported_at": utc_now(), "source": str(source.resolve()), "tables": {}}
    try:
        con = connect(workdir)
        done = []
        for table in TABLES:
            files = input_files(source, table, skip=dest)
            new_bytes = segments(files, manifest["files"])
            paths = [p for p in (readable(s, workdir) for s in new_bytes) if p is not None]
            unknown = load_lines(con, table, paths, workdir)
            counts = count_problems(con, table, unknown)
            if incomplete := sum(1 for s in new_bytes if s.size > s.end):
                counts["skipped"]["incomplete_last_line"] = incomplete  # read by the next export once complete
            choose(con, table, options.all_versions, dest)
            new, changed = con.execute(f"SELECT count(*) FILTER (NOT is_change), count(*) FILTER (is_change) "
                                       f"FROM fresh_{table.name}").fetchone()
            rewritten = 0 if options.all_versions else remove_superseded(con, table, dest, options.format)
            written = write_rows(con, table, pending, options)
            save_keys(con, table, pending)
            counts.update(files=len(files), files_read=len(paths), reread=sum(s.reread for s in new_bytes),
                          new=new, changed=changed, rows_written=written, files_rewritten=rewritten)
            report["tables"][table.name] = counts
            done.extend(new_bytes)
        con.close()
        for segment in done:  # only once every table is written: a killed export reads the same bytes again
            record(manifest["files"], segment)
        manifest["options"] = asdict(options)
        manifest.setdefault("exports", []).append({k: v for k, v in report.items() if k != "tables"} | {
            name: {k: t[k] for k in ("new", "changed", "rows_written")} for name, t in report["tables"].items()})
        moves = [(str(p), str(dest / p.relative_to(pending))) for p in sorted(pending.rglob("*")) if p.is_file()]
        journal = dest / STATE_DIR / JOURNAL
        temporary = journal.with_suffix(".tmp")
        temporary.write_text(json.dumps({"moves": moves, "manifest": manifest}), encoding="utf-8")
        os.replace(temporary, journal)  # from here on the export is done, whatever stops it
        finish(dest)
        write_card(dest, options, manifest, report)
    finally:
        if not (dest / STATE_DIR / JOURNAL).exists():
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def finish(dest: Path) -> None:
    """Carry out the journal of an export whose rows are written: move its new part and key files into DEST and
    save its manifest (each step can be done again), then remove the journal and the export's work folders."""
    journal = dest / STATE_DIR / JOURNAL
    if not journal.exists():
        return
    done = json.loads(journal.read_text(encoding="utf-8"))
    for source, target in done["moves"]:
        if Path(source).exists():
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    save_manifest(dest, done["manifest"])
    journal.unlink()
    for workdir in (dest / STATE_DIR).glob("work-*"):
        shutil.rmtree(workdir, ignore_errors=True)
