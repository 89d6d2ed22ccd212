"""What the browser tests share: Playwright (when installed), Chromium's flags, the demo password and notice."""

import os
from pathlib import Path

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the skip (or, under CI, the failure) says what to install; the tests import these from here
    PlaywrightTimeoutError = expect = sync_playwright = None

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "browser-test-pass"
# The demo's notice (`demo load`), issued and sent to every district bureau and school.
SEED_NUMBER = "乌教发〔2023〕75号"
# Without the networking flags Chromium keeps calling Google's hosts, which a closed intranet refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# How often the live server's receipt view refreshes itself (RECEIPTS_REFRESH_SECONDS).
REFRESH_SECONDS = 1
# Playwright's default for actions and waits; a step of the app answers well within it.
ACTION_TIMEOUT_MS = 10_000
