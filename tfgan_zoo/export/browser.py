"""Open an exported web page (`tfgan_zoo.export.web`) in headless Chromium
and read what it drew: the browser tests and `benchmarks/web_pages.py`
drive pages through this.

Needs Debian's Chromium (`apt-get install chromium`) and Playwright for
Python (`pip install playwright`). Playwright's own browser download is
never used: it launches the system Chromium by its path.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from tfgan_zoo.errors import UserError

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium",
                  "/usr/bin/chromium-browser")
LOCAL = "http://127.0.0.1:"
# Chromium's own background traffic would only meet a closed network.
QUIET = ("--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic")


def find_chromium():
    """The Chromium executable: $CHROMIUM, else the first found on PATH or
    at Debian's paths; None if there is none."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), *CHROMIUM_PATHS):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def missing():
    """One line saying what this machine lacks to open a page, or None."""
    if find_chromium() is None:
        return "no Chromium: apt-get install chromium (or set CHROMIUM)"
    if importlib.util.find_spec("playwright") is None:
        return "no Playwright for Python: pip install playwright"
    return None


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """A static HTTP server for `directory` on 127.0.0.1 (a free port), in a
    thread; yields its URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{LOCAL}{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def chromium():
    """A headless Chromium driven by Playwright; yields the Browser."""
    reason = missing()
    if reason:
        raise UserError(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(),
                                                headless=True, args=list(QUIET))
        try:
            yield browser
        finally:
            browser.close()


def _offline(route):
    """Everything but the local server fails, as with no network."""
    if route.request.url.startswith(LOCAL):
        route.continue_()
    else:
        route.abort("internetdisconnected")


def open_page(browser, url, timeout_s=60):
    """A page at `url` in a fresh profile with no network but 127.0.0.1,
    once its body says `data-status` ready or error. Returns the page;
    `page.console` collects its console lines."""
    context = browser.new_context()
    context.route("**/*", _offline)
    page = context.new_page()
    page.console = []
    page.on("console", lambda message: page.console.append(message.text))
    page.goto(url)
    wait(page, timeout_s)
    return page


def wait(page, timeout_s=60):
    """(data-status, the status line) once the page is ready or failed."""
    page.wait_for_function(
        "['ready', 'error'].includes(document.body.dataset.status)",
        timeout=timeout_s * 1000)
    return status(page)


def status(page):
    return tuple(page.evaluate(
        "[document.body.dataset.status, document.getElementById('status').textContent]"))
