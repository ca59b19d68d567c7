"""Watching a crawl: drift alarms, feed/page agreement, the live progress line, the end-of-crawl summary and the
verdict (exit code) judged from the stats.

Belongs here: what reads the stats and the items to say whether the crawl did its job. Not here: what writes the
items (pipelines/) or the stats keys' names (stats_keys.py).
"""
