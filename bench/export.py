"""How fast newscrawl-export is: `python bench/export.py [--sizes 100000,200000] [--workdir DIR]` (docs/EXPORT.md).

For each size N, a generated crawl output (bench/export_data.py: N Articles, 20% of them in two or three
versions, four workers' files, about 3.9 KB a line) is
1. read bare by DuckDB itself: every field of every line typed (`read_json` with the Article's columns), nothing
   written; and converted bare (`COPY (SELECT * FROM read_json(...)) TO 'x.parquet'`: one file, no versions, no
   partitions), the floor under any export to Parquet;
2. exported by `newscrawl-export` to Parquet, `--latest` (one row per article) and `--all-versions`;
3. exported again into the same DEST with nothing new (the incremental no-op).
Each step runs in a fresh process, which reports its wall seconds and its peak resident memory (ru_maxrss).
Prints lines/s, MB/s, peak memory and the ratio export / bare read; writes bench/export.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export_data import write_output  # noqa: E402

MEASURED = """
import json, resource, sys, time
started = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

BARE_READ = """
import duckdb
from newscrawl.export.engine import MEMORY_LIMIT
from newscrawl.export.tables import ARTICLES
con = duckdb.connect()
con.execute(f"SET memory_limit='{{MEMORY_LIMIT}}'")
con.execute("SET enable_progress_bar=false")
columns = "{{" + ", ".join(f"'{{k}}': '{{v}}'" for k, v in ARTICLES.columns.items()) + "}}"
rows = con.execute(f"SELECT count(*), sum(hash(t)) FROM read_json('{source}/articles.*.jsonl', "
                   f"format = 'newline_delimited', columns = {{columns}}) t").fetchone()[0]
"""

# DuckDB's own one-statement conversion of the same lines to one Parquet file (no versions, no partitions): what
# writing Parquet costs at all, the floor under any export to Parquet. With the export's memory limit it needs the
# export's smaller row groups too (DuckDB's default of 122,880 rows is some 480 MB of Articles)
BARE_CONVERSION = BARE_READ.replace('rows = con.execute(f"SELECT count(*), sum(hash(t)) FROM', 'rows = con.execute(f"COPY (SELECT * FROM').replace(
    "columns = {{columns}}) t\").fetchone()[0]", "columns = {{columns}})) TO '{dest}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20000)\").fetchone()[0]")

EXPORT = """
from pathlib import Path
from newscrawl.export.run import Options, export
report = export(Path("{source}"), Path("{dest}"), Options(all_versions={all_versions}))
assert report["tables"]["articles"]["rows_written"] == {expected}, report["tables"]["articles"]
"""


def measure(body: str) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURED.format(body=body)], cwd=ROOT, capture_output=True,
                          text=True, timeout=1800)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def bench_size(workdir: Path, size: int) -> dict:
    source = workdir / f"out{size}"
    generated = write_output(source, size)
    lines, megabytes = generated["lines"], generated["bytes"] / 1e6
    result = {"articles": size, "lines": lines, "input_mb": round(megabytes, 1)}
    steps = {
        "bare_read": BARE_READ.format(source=source),
        "bare_conversion": BARE_CONVERSION.format(source=source, dest=workdir / f"bare{size}.parquet"),
        "latest": EXPORT.format(source=source, dest=workdir / f"latest{size}", all_versions=False, expected=size),
        "latest_again": EXPORT.format(source=source, dest=workdir / f"latest{size}", all_versions=False, expected=0),
        "all_versions": EXPORT.format(source=source, dest=workdir / f"all{size}", all_versions=True, expected=lines),
    }
    for name, body in steps.items():
        figures = measure(body)
        figures["lines_per_s"] = round(lines / figures["seconds"])
        figures["mb_per_s"] = round(megabytes / figures["seconds"], 1)
        figures["seconds"], figures["peak_mb"] = round(figures["seconds"], 2), round(figures["peak_mb"])
        result[name] = figures
        print(f"{size:>8,} articles {name:>13}: {figures['seconds']:7.2f} s  {figures['lines_per_s']:>8,} lines/s  "
              f"{figures['mb_per_s']:6.1f} MB/s  peak {figures['peak_mb']:>5,} MB", flush=True)
    for name in ("latest", "all_versions"):
        for floor in ("bare_read", "bare_conversion"):
            result[f"{name}_vs_{floor}"] = round(result[name]["seconds"] / result[floor]["seconds"], 2)
    output = workdir / f"latest{size}"
    result["parquet_mb"] = round(sum(p.stat().st_size for p in (output / "articles").rglob("*.parquet")) / 1e6, 1)
    shutil.rmtree(source)
    for dest in workdir.glob(f"*{size}*"):
        shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,200000", help="numbers of Articles, comma-separated")
    parser.add_argument("--workdir", type=Path, help="where to generate (default: a temporary folder)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-export-"))
    results = {"machine": f"{platform.machine()}, {platform.python_version()}, "
                          f"{__import__('os').cpu_count()} cores (shared)", "sizes": []}
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            results["sizes"].append(bench_size(workdir, size))
            for name in ("latest", "all_versions"):
                ratios = results["sizes"][-1]
                print(f"{size:>8,} articles {name}: {ratios[f'{name}_vs_bare_read']}x DuckDB's bare read, "
                      f"{ratios[f'{name}_vs_bare_conversion']}x its bare conversion to Parquet")
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    (ROOT / "bench" / "export.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
