"""Sign-in end to end: a real OpenID Connect provider, Streamlit's st.login, Tandem's users.

The provider is ``oidc-provider-mock`` on a free local port: its authorize
page lets the test type who signs in (the ``sub``, which it also releases as
the ``email`` claim).  The app reads an ``[auth]`` section from a temporary
secrets file (``--secrets.files``), never the repository's own.  The users
are set up with ``tandem.access.save_user`` exactly as ``python -m tandem
users add`` does: an admin, a sponsor, a lead scoped to one cohort, and an
e-mail that is not listed at all.
"""

from __future__ import annotations

import re
import secrets
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from components.ui.navigation import PAGES
from tandem.access import Viewer
from tests.browser.conftest import (
    RunningApp,
    free_port,
    load_sample,
    start_app,
    stop_app,
    wait_for_app,
)

pytestmark = pytest.mark.browser

ADMIN = "ada.admin@example.com"
SPONSOR = "sam.sponsor@example.com"
LEAD = "lee.lead@example.com"
UNKNOWN = "nobody@example.com"
LEAD_COHORT = "c-exec-2025"
# Redirects through the provider and back, on a loaded machine.
NAVIGATION_MS = 60_000
# A pairing of another cohort (c-recip-2025) in the sample bundle: its people
# and two of its notes, none of which the lead may see.
OTHER_PAIRING = "pr-008"
OTHER_PAIRING_TEXT = (
    "Hiroshi Tanaka",
    "Mei Lin Chen",
    "feedback on my QBR deck",
    "Reciprocal really works",
)


@dataclass
class SignInApp:
    app: RunningApp
    provider_url: str

    @property
    def url(self) -> str:
        return self.app.url


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The identity provider, in a thread of this process, on a free port."""
    with warnings.catch_warnings():
        # The mock is built on Authlib's server side, whose deprecation notices
        # are not Tandem's.  Authlib installs an "always" filter of its own on
        # import: import it first, so the block's "ignore" comes before it (and
        # both are gone after the block).
        import authlib.deprecate  # noqa: F401

        warnings.simplefilter("ignore", DeprecationWarning)
        from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=free_port()) as server:
        yield f"http://localhost:{server.server_port}"


def _users(engine: object) -> None:
    from tandem.access import save_user

    load_sample(engine)
    save_user(engine, ADMIN, "admin", actor="test", display_name="Ada Admin")  # type: ignore[arg-type]
    save_user(engine, SPONSOR, "sponsor", actor="test", display_name="Sam Sponsor")  # type: ignore[arg-type]
    save_user(  # type: ignore[arg-type]
        engine, LEAD, "lead", actor="test", cohorts=[LEAD_COHORT], display_name="Lee Lead"
    )


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, provider: str) -> Iterator[SignInApp]:
    from tandem.program import migrate
    from tandem.program.db import dispose_engine, get_engine

    folder = tmp_path_factory.mktemp("sign_in")
    url = f"sqlite:///{folder / 'tandem.db'}"
    engine = get_engine(url)
    migrate.upgrade(engine)
    _users(engine)
    dispose_engine(url)

    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "tandem-test"\n'
        'client_secret = "tandem-test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    running = start_app(
        url,
        folder / "streamlit.log",
        port=port,
        extra_args=["--secrets.files", str(secrets_file)],
    )
    try:
        yield SignInApp(running, provider)
    finally:
        stop_app(running)


def address(base: str, rest: str = "") -> re.Pattern[str]:
    """A URL on ``base`` (anchored: a redirect's own query names the other host too)."""
    return re.compile("^" + re.escape(base) + rest)


def sign_in(page, signed: SignInApp, email: str) -> None:  # type: ignore[no-untyped-def]
    """From the sign-in screen through the provider's authorize page and back."""
    page.goto(signed.url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(address(signed.provider_url, "/oauth2/authorize"), timeout=NAVIGATION_MS)
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(address(signed.url, r"/(\?.*)?$"), timeout=NAVIGATION_MS)
    wait_for_app(page)


def nav_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The menu's page titles (each link's last line: the icon's name comes first)."""
    links = page.locator("[data-testid='stSidebarNavLink']")
    expect(links.first).to_be_visible()
    return [text.strip().splitlines()[-1].strip() for text in links.all_inner_texts()]


def page_path(key: str) -> str:
    if key == PAGES[0].key:
        return "/"
    # pr-001 belongs to the lead's cohort.
    return "/pairing?pairing=pr-001" if key == "pairing" else f"/{key}"


def test_before_sign_in_only_the_sign_in_screen_shows(signed: SignInApp, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{signed.url}/portfolio")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="Portfolio")).to_have_count(0)
    expect(page.locator("[data-testid='stSidebarNavLink']")).to_have_count(0)
    # No demo banner and no role picker once sign-in is configured.
    expect(page.get_by_text("Demo mode")).to_have_count(0)


def test_admin_signs_in_and_sees_admin(signed: SignInApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, signed, ADMIN)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Signed in as Ada Admin (admin)")).to_be_visible()
    expect(
        page.locator("[data-testid='stSidebarNavLink']").filter(has_text="Admin")
    ).to_be_visible()
    # A demo link's role is ignored: the user table decides.
    page.goto(f"{signed.url}/admin?as=sponsor")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Admin")).to_be_visible()
    expect(page.get_by_role("tab", name="Users and roles")).to_be_visible()
    screenshot(page, "sign-in-admin")


def test_sponsor_sees_no_lead_pages(signed: SignInApp, page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, signed, SPONSOR)
    expect(page.get_by_text("Signed in as Sam Sponsor (sponsor)")).to_be_visible()
    expect(
        page.locator("[data-testid='stSidebarNavLink']").filter(has_text="Portfolio")
    ).to_be_visible()
    titles = nav_titles(page)
    assert "Portfolio" in titles and "Feedback themes" in titles, titles
    for title in ("Stalled pairings", "Rebalancing", "Admin"):
        assert title not in titles, titles
    # Typed URLs reach the page's own refusal, also with a demo link's ?as=admin.
    for key, title in (("stalled", "Stalled pairings"), ("admin", "Admin")):
        page.goto(f"{signed.url}/{key}?as=admin")
        wait_for_app(page)
        expect(page.get_by_text(f"{title} is not open to the sponsor role")).to_be_visible()
    # Nor does the sidebar say where the database is.
    expect(page.get_by_text(re.compile(r"^Database: "))).to_have_count(0)


def test_scoped_lead_walks_every_page(signed: SignInApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, signed, LEAD)
    expect(page.get_by_text("Signed in as Lee Lead (lead)")).to_be_visible()
    titles = nav_titles(page)
    assert "Stalled pairings" in titles and "Rebalancing" in titles and "Admin" not in titles
    for entry in PAGES:
        page.goto(signed.url + page_path(entry.key))
        wait_for_app(page)
        if Viewer(role="lead", cohorts=(LEAD_COHORT,)).may_open(entry.key):
            expect(page.locator("h1").first).to_be_visible()
        else:  # Admin: the page's own refusal, not an error
            expect(page.get_by_text(f"{entry.title} is not open to the lead role")).to_be_visible()
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        # Still signed in as the lead on every page (no bounce to the sign-in screen).
        expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
        screenshot(page, f"sign-in-lead-{entry.key}")
    assert "Traceback" not in signed.app.log()


def test_scoped_lead_cannot_open_another_cohorts_pairing(
    signed: SignInApp, page, screenshot
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, signed, LEAD)
    page.goto(f"{signed.url}/pairing?pairing={OTHER_PAIRING}")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    screenshot(page, "sign-in-lead-other-cohort")
    body = main.inner_text()
    for text in OTHER_PAIRING_TEXT:
        assert text not in body, f"{text!r} shown to a lead of {LEAD_COHORT}"
    expect(main.get_by_text(re.compile("not in your cohorts", re.IGNORECASE)).first).to_be_visible()


def test_an_unlisted_email_is_refused_with_what_to_do(signed: SignInApp, page, screenshot) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, signed, UNKNOWN)
    main = page.locator("[data-testid='stMain']")
    # plain() puts a word joiner after "@" so the address does not become a live link.
    shown = re.escape(UNKNOWN).replace("@", "@\u2060?")
    refusal = main.get_by_text(re.compile(shown + r".*no role in Tandem"))
    expect(refusal).to_be_visible()
    expect(main.get_by_text(re.compile("administrator to add you"))).to_be_visible()
    expect(page.locator("[data-testid='stSidebarNavLink']")).to_have_count(0)
    # A typed URL shows the same refusal, not the page.
    page.goto(f"{signed.url}/portfolio")
    wait_for_app(page)
    expect(refusal).to_be_visible()
    expect(page.get_by_role("heading", name="Portfolio")).to_have_count(0)
    screenshot(page, "sign-in-unknown")


def test_sign_out_returns_to_the_sign_in_screen(signed: SignInApp, page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, signed, SPONSOR)
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out").click()
    # The provider's end-session page (RP-initiated logout) comes first, when it has one.
    page.wait_for_url(address(signed.provider_url, "/oauth2/end_session"), timeout=NAVIGATION_MS)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(address(signed.url), timeout=NAVIGATION_MS)
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    # Signed out for real: a page opened by URL asks to sign in again.
    page.goto(f"{signed.url}/portfolio")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="Portfolio")).to_have_count(0)
