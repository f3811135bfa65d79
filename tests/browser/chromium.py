"""Debian's headless Chromium driven by selenium, offline: the helpers every browser test shares.

``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (scripts/browser.sh installs them) are given to
selenium by path, so selenium-manager never downloads a browser or a driver. No host name resolves
but 127.0.0.1: a page that needed anything from outside the machine fails.
"""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from handlers.common.settings import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = REPO_ROOT / ".run" / "screenshots"


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.05)


def start_chromium(width: int = 1400, height: int = 1000) -> WebDriver:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: scripts/browser.sh installs chromium and chromium-driver")
    options = Options()
    options.binary_location = str(CHROMIUM)  # with the driver path below, selenium-manager never runs
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",  # offline: no name resolves
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
