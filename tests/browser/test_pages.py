"""The credential page and the verifier in a real browser: what people see, and axe-core clean."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Browser, Page

from tests.browser import AXE
from tests.browser.site import Site

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = f"axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG!r}}}}})"


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.1 A or AA violation on the page as it is now."""
    page.add_script_tag(path=AXE)
    results: dict[str, Any] = page.evaluate(AXE_RUN)
    assert results["passes"], "axe-core ran no rule"  # an empty run would prove nothing
    violations: list[dict[str, Any]] = results["violations"]
    assert not violations, f"axe-core on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}; at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in violations
    )


def assert_all_checks_passed(page: Page) -> None:
    """The verifier's result lists every check, each passed (or skipped: no endorsements)."""
    checks = page.eval_on_selector_all(
        "section[role=status] ul.checks li",
        "all => all.map(li => [li.querySelector('.mark').classList[1], li.innerText])",
    )
    outcomes = [outcome for outcome, _ in checks]
    # format, schema, proof, issuer, identity (our own issuer), status and validity; then
    # endorsements, of which it has none
    assert outcomes[:7] == ["passed"] * 7 and outcomes[7:] in (["passed"], ["skipped"]), checks


def assert_fits(page: Page, width: int) -> None:
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"


def test_credential_page_says_verified_and_is_accessible(page: Page, site: Site) -> None:
    page.goto(f"/c/{site.credential}")  # a browser's Accept header asks for text/html
    assert page.inner_text("#verdict") == "Verified credential"
    images = page.eval_on_selector_all("img", "all => all.map(i => [i.alt, i.naturalWidth])")
    assert len(images) == 2, images  # the badge and the issuer's logo
    assert all(alt and width > 0 for alt, width in images), images
    links = page.eval_on_selector_all(
        "section[aria-labelledby=share] a", "all => all.map(a => a.getAttribute('href'))"
    )
    assert len(links) == 7 and all(links), links
    assert_accessible(page)


def test_revoked_credential_page_says_revoked(page: Page, site: Site) -> None:
    page.goto(f"/c/{site.revoked}")
    assert page.inner_text("#verdict") == "This credential has been revoked"
    assert "Issued in error." in page.inner_text("section.verdict")
    assert_accessible(page)


def test_verifier_accepts_an_uploaded_pdf(page: Page, site: Site) -> None:
    pdf = page.request.get(f"/c/{site.credential}/certificate.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    page.goto("/verify")
    assert_accessible(page)
    page.set_input_files(
        "#file",
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": pdf.body()}],
    )
    page.click("button[type=submit]")
    assert page.inner_text("#result") == "Verified credential"
    assert_all_checks_passed(page)
    assert_accessible(page)


def test_pages_fit_a_narrow_phone_without_sideways_scrolling(browser: Browser, site: Site) -> None:
    context = browser.new_context(  # bypass_csp: axe-core goes in as an inline script
        base_url=site.url, locale="en-GB", viewport={"width": 360, "height": 740}, bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(f"/c/{site.credential}")
        assert_fits(page, 360)
        credential = page.request.get(f"/c/{site.credential}/credential.json").text()
        page.goto("/verify")
        assert_fits(page, 360)
        page.fill("#text", credential)  # pasted, this time
        page.click("button[type=submit]")
        assert page.inner_text("#result") == "Verified credential"
        assert_all_checks_passed(page)
        assert_fits(page, 360)  # the checks name long did:web and status list URLs
        assert_accessible(page)
    finally:
        context.close()


def test_a_self_issued_credential_is_not_shown_as_verified(page: Page) -> None:
    from tests.security.test_self_issued_identity import self_issued

    page.goto("/verify")
    page.fill("#text", json.dumps(self_issued()))  # a did:key calling itself Harvard University
    page.click("button[type=submit]")
    assert page.inner_text("#result") == "Signature valid, issuer not confirmed"
    assert "Says it was issued by Harvard University." in page.inner_text("section[role=status]")
    colour = page.eval_on_selector(
        "section[role=status]", "s => getComputedStyle(s).borderLeftColor"
    )
    assert colour != "rgb(11, 107, 58)", "the green of a known issuer"  # --ok
    assert_accessible(page)
