"""Settings of the browser that renders JavaScript pages (newscrawl/crawl/render_policy.py, newscrawl/downloader/browser.py;
docs/RENDERING.md), part of the project's settings: newscrawl/settings.py imports them all. Override any of them
with `-s NAME=VALUE` on the command line.
"""

# Render pages whose plain HTML lacks what the items need (empty body container, live-updates page, empty
# editorial sidebar) in Chromium through scrapy-playwright. Off (0): such a page is dropped and counted under
# newscrawl/dropped/needs_render.
NEWSCRAWL_RENDER = True
# Regexes (searched in the URL) of HTML pages always rendered after their plain download, e.g. ".*" for all.
NEWSCRAWL_RENDER_PATTERNS = []
# Longest a whole render may take (browser start, navigation, waiting, reading the DOM), seconds; also the
# navigation timeout. A render that takes longer is abandoned, its page closed, and counted as a failure.
NEWSCRAWL_RENDER_TIMEOUT = 30.0
# How long a render waits for the part the plain HTML lacked (the body, the entries, the sidebar), seconds.
NEWSCRAWL_RENDER_WAIT = 10.0
# The only hosts the browser may load from; under NEWSCRAWL_MIRROR they are answered from the mirror. Every
# other host (ads, analytics, embeds, image CDNs) is blocked.
NEWSCRAWL_RENDER_HOSTS = ["www.dawn.com"]
# The browser's wall: a proxy where nothing answers (a closed local port) that gets every browser connection but
# those to NEWSCRAWL_RENDER_HOSTS in a live crawl (newscrawl/downloader/browser.py). Empty: no wall.
NEWSCRAWL_BROWSER_WALL = "127.0.0.1:9"
# Playwright resource types never loaded by the browser.
NEWSCRAWL_RENDER_BLOCKED_RESOURCES = ["image", "font", "media"]
# The download handler that renders; built on the first page that needs it, so a crawl rendering nothing
# starts no browser.
NEWSCRAWL_RENDER_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"

# scrapy-playwright: Debian's Chromium (apt-get install chromium); it cannot download a browser of its own.
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run"],
}
# Browser memory is bounded: one context, at most this many pages open in it at once.
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
# Navigation timeout of browser pages, milliseconds (newscrawl.downloader.browser also bounds the whole render).
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30000
