"""WARC archives: recording what the crawl downloads (recorder, recovery), and replaying archives, ours or
anyone's (index, replay). See docs/ARCHIVES.md."""
