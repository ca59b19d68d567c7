"""The spider's side of a crawl: its arguments, request fingerprints, reading an article page into items.

Belongs here: what spiders/dawn.py routes to (the article reader and its worker processes, the render decision,
the items a read page yields, drops and the in-crawl seen set). Not here: parsing markup (extraction/, pure),
downloading (downloader/), anything that outlives one crawl (state/).
"""
