"""The pages, and the interactive API docs, work in Chromium under their CSP, which it enforces."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.site import Site


@pytest.mark.parametrize("which", ["credential", "verify", "docs"])
def test_pages_break_no_rule_of_their_policy(browser: Browser, site: Site, which: str) -> None:
    context = browser.new_context(base_url=site.url)  # no bypass_csp: the policy is enforced
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(  # reported even where no console message is written
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    url = {"credential": f"/c/{site.credential}", "verify": "/verify", "docs": "/api/docs"}[which]
    response = page.goto(url, wait_until="load")
    assert (
        response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    )
    if which == "docs":  # Swagger UI ran: it fetched the spec and lists the operations
        page.wait_for_selector('[data-path="/oauth/token"]', timeout=15_000)
    else:  # the inline stylesheet applied: the layout's custom properties are set
        assert (
            page.evaluate(
                "getComputedStyle(document.documentElement).getPropertyValue('--ink')"
            ).strip()
            == "#1b1f24"
        )
    page.wait_for_timeout(200)  # late violation reports
    context.close()
    assert violations == [], violations
