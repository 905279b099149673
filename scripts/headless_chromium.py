# SPDX-License-Identifier: Apache-2.0
"""Debian's Chromium, headless and offline, driven by Selenium (python3-selenium, chromium-driver).

Used by tests/report/browser_test.py and scripts/screenshot-report. Chromium runs with a fresh
profile and without any of its background network traffic (this must work on a machine without
Internet access).
"""
import contextlib
import os
import shutil
import tempfile

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@contextlib.contextmanager
def chromium(width=1100, height=1400):
    """Yields a selenium WebDriver; the browser and its temporary profile are removed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            raise RuntimeError(f"{path} is missing: run scripts/install-deps (Debian chromium, chromium-driver)")
    profile = tempfile.mkdtemp(prefix="ion-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                "--force-device-scale-factor=1", f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path):
    """Loads a local HTML file and returns the browser console's errors (SEVERE entries)."""
    driver.get("file://" + os.path.abspath(path))
    driver.execute_script("return document.readyState")
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
