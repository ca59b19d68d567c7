"""What outlives a crawl: the state store (SQLite, or Redis in distributed mode), the incremental middleware that
reads it, and the one-crawl-at-a-time lock.

Belongs here: records of what was emitted, at which version, and of every article the crawler learned of. Not
here: a distributed crawl's frontier (distributed/), the output files (pipelines/), WARC archives (archive/).
"""
