"""Device emulation for the browser tests: a phone's or a laptop's metrics for a block."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from selenium import webdriver


@contextlib.contextmanager
def emulated(
    browser: webdriver.Chrome, width: int, height: int, *, mobile: bool
) -> Iterator[webdriver.Chrome]:
    """The browser with a device's metrics (width, height, touch) until the block ends."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile},
    )
    try:
        yield browser
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
