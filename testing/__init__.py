"""What tests and benches share: the real local services and the files they are run against.

- `testing.files`: the repository's paths (fixtures/site, fixtures/expected), reading JSON lines, writing a small
  mirror, and measuring a command's peak memory;
- `testing.local_site`: THE local HTTP server on 127.0.0.1 answering www.dawn.com paths (from a mirror directory or
  from generated pages; with a delay, with faults on purpose), and the download handler that sends a crawl there;
- `testing.generated_site`: the generated Dawn-like site (N articles, listings) served by that server;
- `testing.distributed_run`: a real redis-server on a free port, and distributed `scrapy crawl` workers;
- `testing.chromium`: whether Debian's Chromium is there, and what a test does when it is not;
- `testing.crawls`: a real `scrapy crawl` in a subprocess, and what it wrote;
- `testing.commoncrawl_stub`, `testing.commoncrawl_warcs`: Common Crawl's index and data servers as they answer, on
  the same local server, and the WARC files they serve;
- `testing.damaged_warc`, `testing.hostile_feeds_site`: damaged WARC files and hostile feeds (#20's benches, tests).

Nothing here is a mock: every service is a real process or socket on 127.0.0.1. tests/ and bench/ import this
package (run from the repository root, or with it on sys.path, as bench scripts put it); neither imports the other.
"""
