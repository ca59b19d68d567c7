"""`newscrawl-export --from OUTPUT_DIR --to DEST`: the crawl's JSON lines (every worker's files, every run) as a
dataset: Parquet partitioned by publication month (or CSV, or JSON lines), one row per article (its newest
version) or every version, with the teasers as a second table and a dataset card. A second export into the same
DEST adds only what is new or changed (docs/EXPORT.md).

Exit codes: 0 exported (lines that could not be read are counted and reported, the rest exported); 2 bad arguments
or a DEST that cannot take this export."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from newscrawl.export.run import ExportError, Options, export


def day(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):  # one line, not the usage block: the user sees what is wrong at once
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = OneLineParser(prog="newscrawl-export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", required=True, type=Path, help="the crawl's output folder")
    parser.add_argument("--to", dest="dest", required=True, type=Path, help="the dataset folder (created)")
    parser.add_argument("--format", choices=("parquet", "csv", "jsonl"), default="parquet")
    versions = parser.add_mutually_exclusive_group()
    versions.add_argument("--latest", action="store_true", help="one row per article, its newest version (default)")
    versions.add_argument("--all-versions", action="store_true", help="every version of every article, in order")
    parser.add_argument("--schema", choices=("cc_news",), help="Hugging Face CC-News column names for articles")
    parser.add_argument("--since", type=day, help="first publication day (Pakistan time), YYYY-MM-DD")
    parser.add_argument("--until", type=day, help="last publication day (Pakistan time), YYYY-MM-DD")
    parser.add_argument("--section", help="only this section (as Dawn names it, case ignored)")
    args = parser.parse_args(argv)
    if args.since and args.until and args.since > args.until:
        parser.error(f"--since {args.since} is after --until {args.until}")
    return args


def describe(report: dict) -> list[str]:
    lines = []
    for name, table in report["tables"].items():
        lines.append(f"{name}: {table['rows_written']:,} rows written ({table['new']:,} new, {table['changed']:,} "
                     f"changed since the last export; {table['files_rewritten']} older files rewritten without "
                     f"their superseded rows); {table['lines']:,} lines read from {table['files_read']} of "
                     f"{table['files']} files")
        if table["reread"]:
            lines.append(f"  {table['reread']} file(s) replaced or cut since the last export: read again from the start")
        for reason, count in table["skipped"].items():
            lines.append(f"  skipped {count:,} line(s): {reason}")
        for reason, count in table["kept_with_nulls"].items():
            lines.append(f"  kept {count:,} row(s) with a null value: {reason}")
        for field, count in table["unknown_fields"].items():
            lines.append(f"  kept unknown field {field!r} of {count:,} line(s) in the `extra` column")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    options = Options(format=args.format, all_versions=args.all_versions, schema=args.schema, since=args.since,
                      until=args.until, section=args.section)
    try:
        report = export(args.source, args.dest, options)
    except ExportError as exc:
        print(f"newscrawl-export: {exc}", file=sys.stderr)
        return 2
    print("\n".join(describe(report)))
    print(f"dataset: {args.dest} (card: {args.dest / 'README.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
