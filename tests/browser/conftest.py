"""Fixtures: Chromium and axe-core (installed when possible), a live site, a page per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser import (
    CHROMIUM,
    BrowserSetupError,
    install_axe,
    missing_chromium,
    missing_node,
)
from tests.browser.site import Site, serving


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Chromium and axe-core, or a skip naming what is missing; npm's failure fails the run."""
    reason = missing_chromium() or missing_node()
    if reason is not None:
        pytest.skip(reason)
    try:
        install_axe()
    except BrowserSetupError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")  # stopped before the rest of the suite runs
def site(browser_tools: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serving(tmp_path_factory.mktemp("browser") / "site.sqlite3") as running:
        yield running


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    """Headless Debian Chromium; it needs `site` so that it closes before the server stops."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[Page]:
    # axe-core goes in as an inline script, which the pages' CSP refuses (as it should);
    # test_content_security_policy.py loads the pages with the policy enforced.
    context = browser.new_context(base_url=site.url, locale="en-GB", bypass_csp=True)
    yield context.new_page()
    context.close()
