"""`newscrawl-pack-mirror MIRROR_DIR OUTPUT.warc.gz`: pack a mirror directory (manifest.jsonl and its files,
such as fixtures/site) into one gzip WARC file that NEWSCRAWL_REPLAY can replay.

Each manifest entry becomes a `response` record with the entry's status and headers (200 and none when the
manifest leaves them out); one `warcinfo` record opens the file. The mirror itself is left as it is.
"""

from __future__ import annotations

import argparse
import sys
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.downloader.mirror import Mirror, MirrorError
from newscrawl.archive.recorder import http_status_line


def pack_mirror(mirror_dir: str | Path, output: str | Path) -> int:
    """Write the WARC; returns how many pages it holds."""
    mirror = Mirror(mirror_dir)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as file:
        writer = WARCWriter(file, gzip=output.name.endswith(".gz"), warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(output.name, {
            "software": "newscrawl-pack-mirror", "description": f"the mirror {mirror.directory} packed as WARC"}))
        for url in mirror.entries:
            status, headers, body = mirror.answer(url)
            http_headers = StatusAndHeaders(http_status_line(status), list(headers.items()), protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                          http_headers=http_headers))
    return len(mirror.entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newscrawl-pack-mirror", description=__doc__.split("\n\n")[0])
    parser.add_argument("mirror", help="a mirror directory holding manifest.jsonl")
    parser.add_argument("output", help="the WARC file to write (.warc.gz: gzip, .warc: plain)")
    args = parser.parse_args(argv)
    try:
        count = pack_mirror(args.mirror, args.output)
    except MirrorError as exc:
        print(f"newscrawl-pack-mirror: {exc}", file=sys.stderr)
        return 2
    print(f"{args.output}: {count} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
