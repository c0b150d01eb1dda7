"""The web client in a real browser: headless Chromium against a real ``questlog serve``.

A person signs up, creates two quests where the second needs the first, is refused when
completing them out of order, completes them in order and sees the XP, the level and the
achievement change, then finds the achievement and level-up notifications in the inbox, marks
them read and changes the notification settings. Every main screen passes axe-core with no
serious or critical violation, loads under 100 KB of script, and is kept as a screenshot in
``.artifacts/web``. The core flow also works with JavaScript off, and the installed app reads
the today list offline.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.browser import (
    SCRIPT_BUDGET_BYTES,
    accessibility_violations,
    expect,
    screenshot,
)
from tests.support.server import RunningServer, start_server, stop_server

pytestmark = pytest.mark.e2e

PASSWORD = "a long and unusual passphrase"


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("questlog-web"))
    try:
        yield running
    finally:
        stop_server(running)


class Screens:
    """Checks each screen the test visits: accessibility, script budget, a screenshot."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.script_bytes = 0
        page.on("response", self._count)

    def _count(self, response: Any) -> None:
        if response.request.resource_type == "script":
            self.script_bytes += len(response.body())

    def visit(self, url: str) -> None:
        self.script_bytes = 0
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def check(self, name: str) -> None:
        violations = accessibility_violations(self.page)
        assert violations == [], f"{name}: {violations}"
        assert self.script_bytes < SCRIPT_BUDGET_BYTES, f"{name}: {self.script_bytes} B"
        screenshot(self.page, name)


def _text(page: Any, test_id: str) -> str:
    text: str = page.get_by_test_id(test_id).inner_text()
    return text


def _create_quest(page: Any, base: str, title: str, **fields: Any) -> None:
    page.goto(f"{base}/quests/new")
    page.get_by_label("Title").fill(title)
    if "difficulty" in fields:
        page.get_by_label("Difficulty").select_option(fields["difficulty"])
    if "priority" in fields:
        page.get_by_label("Priority").select_option(label=fields["priority"])
    if "checklist" in fields:
        page.get_by_label("Checklist").fill("\n".join(fields["checklist"]))
    for prerequisite in fields.get("prerequisites", ()):
        page.get_by_label(prerequisite, exact=True).check()
    page.get_by_role("button", name="Create quest").click()
    page.wait_for_url(f"{base}/")


def _quest(page: Any, title: str) -> Any:
    return page.locator(f'li.quest[data-quest="{title}"]')


def _sign_up(page: Any, base: str, name: str, email: str) -> None:
    page.goto(f"{base}/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{base}/")


def _inbox_text(page: Any, base: str, *expected: str, seconds: float = 5.0) -> str:
    """The inbox's text once it shows all of ``expected`` (reloading for up to ``seconds``): the
    notification is made by a consumer shortly after the event, not within the request."""
    deadline = time.monotonic() + seconds
    while True:
        text = _text(page, "notifications")
        if all(e in text for e in expected) or time.monotonic() >= deadline:
            return text
        page.wait_for_timeout(250)
        page.goto(f"{base}/notifications")


def test_sign_up_plan_and_complete_quests_in_order(browser: Any, web_server: RunningServer) -> None:
    base = web_server.base_url
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    screens = Screens(page)

    screens.visit(f"{base}/")
    assert page.url == f"{base}/login", "a signed-out browser is sent to sign in"
    screens.check("login")
    screens.visit(f"{base}/signup")
    screens.check("signup")

    _sign_up(page, base, "Robin", "robin@example.com")
    assert _text(page, "level") == "Level 1"
    assert _text(page, "total-xp") == "0 XP"
    assert page.get_by_text("Nothing open").is_visible()

    _create_quest(
        page,
        base,
        "Write the outline",
        difficulty="easy",
        priority="high",
        checklist=["Pick a topic", "List"],
    )
    screens.visit(f"{base}/quests/new")
    screens.check("quest-new")
    _create_quest(
        page, base, "Write the essay", difficulty="epic", prerequisites=["Write the outline"]
    )
    essay, outline = _quest(page, "Write the essay"), _quest(page, "Write the outline")
    assert essay.get_by_text("waiting on prerequisites").is_visible()
    assert outline.locator(".why .chip").count() >= 1, "each ranked quest says why"
    titles = page.locator("li.quest h2").all_inner_texts()
    assert titles.index("Write the outline") < titles.index("Write the essay")
    screens.visit(f"{base}/")
    screens.check("today")

    # Out of order: the essay is blocked by its prerequisite.
    essay.get_by_role("button", name="Complete Write the essay").click()
    page.wait_for_load_state("load")
    assert "“Write the essay” waits on unfinished prerequisites" in (
        page.get_by_role("alert").inner_text()
    )
    assert _text(page, "total-xp") == "0 XP"

    # Ticking a checklist item works from the list.
    outline.get_by_role("button", name="Pick a topic").click()
    expect(
        _quest(page, "Write the outline").get_by_role("button", name="Pick a topic")
    ).to_have_attribute("aria-pressed", "true")

    _quest(page, "Write the outline").get_by_role(
        "button", name="Complete Write the outline"
    ).click()
    page.wait_for_selector("[data-testid=celebration]")
    first_gain = int(_text(page, "xp-gain").strip("+ XP"))
    assert first_gain > 0
    assert _text(page, "total-xp") == f"{first_gain} XP"
    unlocked_now = page.get_by_test_id("achievement-unlocked").all_inner_texts()
    assert any("First Steps" in line for line in unlocked_now), unlocked_now
    assert "1-day streak" in _text(page, "streak")
    screens.check("completed")

    _quest(page, "Write the essay").get_by_role("button", name="Complete Write the essay").click()
    expect(page.get_by_test_id("celebration")).to_contain_text("Write the essay")
    second_gain = int(_text(page, "xp-gain").strip("+ XP"))
    assert _text(page, "total-xp") == f"{first_gain + second_gain} XP"
    level = int(_text(page, "level").removeprefix("Level "))
    assert level > 1, "an epic quest after an easy one lifts the player past level 1"
    assert f"reached level {level}" in _text(page, "level-up")
    assert page.get_by_text("Nothing open").is_visible()
    screens.check("level-up")

    # The notifications of the unlocked achievement and the level-up reach the inbox (the
    # all-in-one's consumer turns the game's events into them in-process, soon after).
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Notifications").click()
    page.wait_for_url(f"{base}/notifications")
    inbox = _inbox_text(page, base, f"Level {level}", "First Steps")
    assert f"Level {level}" in inbox, inbox
    assert "First Steps" in inbox, inbox
    unread = int(_text(page, "unread-count").split()[0])
    assert unread >= 2, "the navigation counts the unread notifications"
    screens.check("notifications")
    page.get_by_role("button", name=re.compile(r"Mark all \d+ read")).click()
    expect(page.get_by_role("button", name=re.compile("Mark all"))).to_have_count(0)
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    expect(page.locator(".notifications li.unread")).to_have_count(0)

    page.get_by_role("link", name="Notification settings").click()
    page.wait_for_url(f"{base}/notifications/preferences")
    screens.check("notification-preferences")
    page.get_by_label("Level up: Email", exact=True).uncheck()
    page.get_by_label("Quiet from", exact=True).fill("22:00")
    page.get_by_label("Quiet until", exact=True).fill("07:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("saved")).to_be_visible()
    expect(page.get_by_label("Level up: Email", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Quiet from", exact=True)).to_have_value("22:00")

    screens.visit(f"{base}/achievements")
    unlocked = page.locator(".achievement.unlocked h2").all_inner_texts()
    assert any("First Steps" in title for title in unlocked)
    screens.check("achievements")

    screens.visit(f"{base}/leaderboard")
    me = page.locator("tr.me")
    assert "Robin (you)" in me.inner_text()
    assert str(first_gain + second_gain) in me.inner_text()
    screens.check("leaderboard")

    screens.visit(f"{base}/insights")
    assert page.get_by_role("img", name="Completions by weekday").is_visible()
    assert "2 quests completed" in page.locator("main").inner_text()
    screens.check("insights")
    context.close()


def test_breakdown_preview_then_confirm_creates_chained_steps(
    browser: Any, web_server: RunningServer
) -> None:
    base = web_server.base_url
    context = browser.new_context()
    page = context.new_page()
    screens = Screens(page)
    _sign_up(page, base, "Sam", "sam@example.com")
    _create_quest(page, base, "Plan a trip to Rome", difficulty="hard")
    _quest(page, "Plan a trip to Rome").get_by_role("link", name="Break down").click()
    expect(page.get_by_label("Step 1")).to_be_visible()
    steps = page.locator("ol.steps input[id^=title_]")
    previewed = [steps.nth(i).input_value() for i in range(steps.count())]
    assert len(previewed) >= 2
    screens.visit(page.url)  # a fresh load, so the script budget counts this page alone
    screens.check("breakdown-preview")
    page.goto(f"{base}/")
    assert page.locator("li.quest").count() == 1, "a preview creates nothing"

    page.go_back()
    page.get_by_label("Step 1").fill("Choose the dates")
    page.get_by_role("button", name="Create these steps").click()
    page.wait_for_url(f"{base}/")
    titles = page.locator("li.quest h2").all_inner_texts()
    assert "Choose the dates" in titles
    assert set(previewed[1:]) <= set(titles)
    # Only the first step is free to start: every later one and the quest itself wait.
    waiting = page.locator("li.quest.blocked h2").all_inner_texts()
    assert "Choose the dates" not in waiting
    assert set(previewed[1:]) | {"Plan a trip to Rome"} <= set(waiting)
    context.close()


def test_core_flow_without_javascript(browser: Any, web_server: RunningServer) -> None:
    base = web_server.base_url
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_up(page, base, "Kim", "kim@example.com")
    _create_quest(page, base, "Water the plants", difficulty="easy")
    _quest(page, "Water the plants").get_by_role("button", name="Complete Water the plants").click()
    page.wait_for_selector("[data-testid=celebration]")
    assert int(_text(page, "xp-gain").strip("+ XP")) > 0
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/login")
    page.goto(f"{base}/achievements")
    assert page.url.startswith(f"{base}/login"), "signed out means signed out"
    context.close()


def test_installable_and_readable_offline(browser: Any, web_server: RunningServer) -> None:
    base = web_server.base_url
    manifest = httpx.get(f"{base}/manifest.webmanifest").json()
    assert manifest["start_url"] == "/"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert httpx.get(f"{base}{icon['src']}").status_code == 200

    context = browser.new_context()
    page = context.new_page()
    _sign_up(page, base, "Ola", "ola@example.com")
    _create_quest(page, base, "Read offline")
    # Phone width: nothing wider than the screen, still no serious accessibility problem.
    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert accessibility_violations(page) == []
    screenshot(page, "today-phone")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now controlled by the service worker, which keeps this copy
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()
    context.set_offline(True)
    page.reload()
    assert _quest(page, "Read offline").is_visible()
    assert page.locator(".offline-banner").is_visible()
    screenshot(page, "offline")
    context.set_offline(False)
    context.close()


def _reset_link(mail_dir: Path, address: str) -> str:
    return _emailed_link(mail_dir, address, r"/reset-password\?token=")


def _emailed_link(mail_dir: Path, address: str, pattern: str) -> str:
    """The newest link to ``address`` whose URL matches ``pattern`` (after the host)."""
    for path in sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
        message: Message = message_from_bytes(path.read_bytes())
        if address not in str(message["To"]):
            continue
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                found = re.search(rf"https?://\S+{pattern}\S+", payload.decode())
                if found:
                    return found.group(0)
    raise AssertionError(f"no email with {pattern} to {address} in {mail_dir}")


def test_password_reset_link_opens_a_page_that_resets(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The emailed link points at the port the server listens on (no QUESTLOG_PUBLIC_URL)."""
    workdir = tmp_path_factory.mktemp("questlog-reset")
    server = start_server(workdir, without=("QUESTLOG_PUBLIC_URL",))
    try:
        base = server.base_url
        context = browser.new_context()
        page = context.new_page()
        _sign_up(page, base, "Ada", "ada@example.com")
        page.get_by_role("button", name="Sign out").click()
        page.goto(f"{base}/forgot-password")
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_role("button", name="Email me a reset link").click()
        expect(page.get_by_role("status").filter(has_text="reset link")).to_be_visible()

        link = _reset_link(workdir / "mail", "ada@example.com")
        assert link.startswith(f"{base}/reset-password?token=")
        page.goto(link)
        violations = accessibility_violations(page)
        assert violations == [], violations
        screenshot(page, "reset-password")
        page.get_by_label("New password", exact=True).fill("another long passphrase")
        page.get_by_label("New password again").fill("another long passphrase")
        page.get_by_role("button", name="Set password").click()
        page.wait_for_url(f"{base}/login?reset=1")
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_label("Password").fill("another long passphrase")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/")
        assert _text(page, "level") == "Level 1"

        # The achievement's email carries an unsubscribe link to this server too; it opens a
        # confirm page whose button turns that kind of email off.
        _create_quest(page, base, "Water the plants", difficulty="easy")
        _quest(page, "Water the plants").get_by_role(
            "button", name="Complete Water the plants"
        ).click()
        page.wait_for_selector("[data-testid=celebration]")
        unsubscribe = r"/api/v1/notifications/unsubscribe/?\?token="
        deadline = time.monotonic() + 30
        while True:
            try:
                link = _emailed_link(workdir / "mail", "ada@example.com", unsubscribe)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert link.startswith(f"{base}/api/v1/notifications/unsubscribe"), link
        page.goto(link)
        expect(
            page.get_by_role("heading", name="Stop achievement emails by email?")
        ).to_be_visible()
        page.get_by_role("button", name="Unsubscribe").click()
        page.wait_for_load_state("load")
        # a page for the person, not the API's JSON
        expect(page.get_by_role("heading", name="Unsubscribed")).to_be_visible()
        assert "no more achievement emails by email" in page.content()
        page.goto(f"{base}/notifications/preferences")
        expect(page.get_by_label("Achievement unlocked: Email", exact=True)).not_to_be_checked()
        context.close()
    finally:
        stop_server(server)
