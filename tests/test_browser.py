"""What a person does in Chromium: read the list, filter it, open an event, follow the JSON."""

import json
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, make_accounts, make_app
from timeline.db import db

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
# Chromium's own background traffic is refused on a closed network; these flags keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

pytestmark = pytest.mark.browser


@pytest.fixture
def connection():
    """These tests run the site on a database of its own (see `site`), not in the shared
    database's transaction: the server answers from its own threads."""


@pytest.fixture(scope="module")
def seeded_copy(app, seed, database, databases) -> str:
    """A copy of the seeded shared database, taken once."""
    with app.app_context():
        db.engine.dispose()  # PostgreSQL copies only a database nobody is connected to
    return databases.copy(database, "browser")


@pytest.fixture
def site(seeded_copy, databases, tmp_path):
    """The application on a fresh copy of the seed data that it commits to for real."""
    site = make_app(databases.copy(seeded_copy, "site"), tmp_path)
    yield site
    with site.app_context():
        db.engine.dispose()


@pytest.fixture
def accounts(site):
    """An editor and an admin, with PASSWORD, on the site's database."""
    with site.app_context():
        return make_accounts(db.session)


@pytest.fixture
def live_server(site):
    """The site on a real HTTP port, in a thread."""
    server = make_server("127.0.0.1", 0, site, threaded=True)
    site.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=False)


def test_read_filter_open_and_follow_the_json(live_server, page):
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Generative AI in film and television"
    )
    expect(page.locator("li.event")).to_have_count(50)
    shot(page, "timeline")

    page.get_by_label("From", exact=True).fill("2023-07")
    page.get_by_label("To", exact=True).fill("2023-11")
    page.get_by_role("button", name="Show events").click()
    expect(page).to_have_url(f"{live_server}/?from=2023-07&to=2023-11")
    expect(page.locator("li.event")).to_have_count(5)
    expect(page.locator(".count")).to_contain_text("5 events match")
    shot(page, "timeline-filtered")

    page.get_by_role("link", name="SAG-AFTRA TV/theatrical strike", exact=True).click()
    expect(page).to_have_url(f"{live_server}/events/sag-aftra-tv-theatrical-strike")
    expect(page.get_by_text("14 Jul – 9 Nov 2023")).to_be_visible()
    expect(page.get_by_role("link", name="Fran Drescher")).to_be_visible()
    shot(page, "event")

    page.get_by_role("link", name="This event as JSON").click()
    body = json.loads(page.locator("body").inner_text())
    assert body["event"]["start"] == "2023-07-14" and body["event"]["end"] == "2023-11-09"


def test_a_bad_date_shows_its_message_at_the_field(live_server, page):
    page.goto(live_server + "/")
    page.get_by_label("From", exact=True).fill("2024-02-30")
    page.get_by_role("button", name="Show events").click()
    error = page.locator("#f-from-error")
    expect(error).to_have_text("February 2024 has no day 30: it has 29 days")
    expect(page.get_by_label("From", exact=True)).to_have_attribute("aria-invalid", "true")
    shot(page, "timeline-bad-date")


def test_an_actor_page_from_an_event(live_server, page):
    page.goto(live_server + "/events/writers-guild-of-america-strike")
    page.get_by_role("link", name="Writers Guild of America West").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Writers Guild of America West")
    expect(page.get_by_text("Also known as: WGA West")).to_be_visible()
    shot(page, "actor")


def test_cost_calculator_answers_in_a_shareable_url(live_server, page):
    page.goto(f"{live_server}/cost")
    chart = page.get_by_role("group", name="Cost of one minute of generated video, 2023–2030")
    expect(chart).to_be_visible()
    shot(page, "cost-calculator")
    page.get_by_label("GPU", exact=True).select_option("a100-sxm")
    page.get_by_label("GPUs", exact=True).fill("8")
    page.get_by_role("button", name="Calculate").click()
    expect(page).to_have_url(re.compile(r"gpu=a100-sxm.*gpus=8"))
    expect(page.get_by_role("heading", level=2).first).to_contain_text("8 × NVIDIA A100")
    page.get_by_role("link", name="This answer as JSON").click()
    body = json.loads(page.locator("body").inner_text())
    assert body["inputs"]["gpu"] == "a100-sxm" and body["inputs"]["gpus"] == 8


def test_cost_calculator_shows_a_bad_width_at_the_field(live_server, page):
    page.goto(f"{live_server}/cost")
    page.get_by_label("Width (px)").fill("1000")
    page.get_by_role("button", name="Calculate").click()
    field = page.get_by_label("Width (px)")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#c-width-error")).to_contain_text("try 1008")
    shot(page, "cost-bad-width")


def test_a_claim_on_the_chart_leads_to_its_row(live_server, page):
    page.goto(f"{live_server}/cost")
    page.locator("svg.cost-chart a[href='#scenario-factorial-funds']").click()
    expect(page).to_have_url(re.compile(r"#scenario-factorial-funds$"))
    expect(page.locator("#scenario-factorial-funds")).to_contain_text("impossible")


def marks(page) -> list[str]:
    return page.locator("svg.timeline-chart a.mark").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def test_filter_the_drawing_by_category_and_window_then_open_an_event(live_server, page):
    page.goto(live_server + "/")
    everything = marks(page)
    assert len(everything) == 50
    page.get_by_role("checkbox", name=re.compile(r"^Labor action")).check()
    page.get_by_role("button", name="Show events").click()
    expect(page).to_have_url(re.compile(r"category=labor-action"))
    strikes = marks(page)
    assert 0 < len(strikes) < len(everything)
    expect(page.get_by_role("checkbox", name=re.compile(r"^Labor action"))).to_be_checked()

    page.get_by_label("From", exact=True).fill("2023-07")
    page.get_by_label("To", exact=True).fill("2023-12")
    page.get_by_role("button", name="Show events").click()
    expect(page).to_have_url(re.compile(r"from=2023-07.*to=2023-12|to=2023-12.*from=2023-07"))
    ticks = page.locator("svg.timeline-chart .grid text").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )
    assert "Aug" in ticks and "2022" not in ticks  # the axis follows the window
    marks_in_window = marks(page)
    filtered_url = page.url
    shot(page, "timeline-labor-2023")

    page.locator("svg.timeline-chart").get_by_role(
        "link", name="SAG-AFTRA TV/theatrical strike (14 Jul – 9 Nov 2023)"
    ).click()
    expect(page).to_have_url(f"{live_server}/events/sag-aftra-tv-theatrical-strike")
    page.goto(filtered_url)
    page.get_by_role("link", name="JSON", exact=True).click()
    body = json.loads(page.locator("body").inner_text())
    assert {e["category"] for e in body["events"]} == {"labor-action"}
    assert {"/events/" + e["slug"] for e in body["events"]} == set(marks_in_window)


def test_a_search_narrows_the_drawing_and_the_list(live_server, page):
    page.goto(live_server + "/")
    page.get_by_label("Search", exact=True).fill('"Sora 2"')
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"q=%22Sora\+2%22"))
    listed = page.locator("li.event").count()
    assert 0 < listed < 50 and len(marks(page)) == listed
    shot(page, "timeline-search")


AXE_PAGES = ["/", "/?from=2023&to=2023&lanes=kind", "/events/writers-guild-of-america-strike",
             "/actors/openai", "/cost", "/login"]  # fmt: skip


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    return serious


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_nothing_serious(live_server, page, path):
    page.goto(live_server + path)
    assert serious_violations(page) == []


def test_axe_finds_nothing_serious_on_the_editors_pages(accounts, live_server, page):
    log_in_as(page, live_server, "ada")
    for path in (
        "/admin/",
        "/admin/events/new",
        "/admin/events/writers-guild-of-america-strike/edit",
    ):
        page.goto(live_server + path)
        assert serious_violations(page) == [], path


def test_keyboard_zoom_and_tooltips(live_server, page):
    page.goto(live_server + "/?from=2023&to=2023")
    page.locator("body").press("+")
    expect(page).to_have_url(re.compile(r"from=2023-04-0[12]&to=2023-10-0[12]"))
    page.locator("body").press("]")
    expect(page).to_have_url(re.compile(r"from=2023-10"))
    first_mark = page.locator("svg.timeline-chart a.mark").first
    first_mark.focus()
    expect(page.locator(".timeline-tip")).to_be_visible()
    expect(page.locator(".timeline-tip")).to_have_text(first_mark.get_attribute("aria-label"))


def log_in_as(page, live_server: str, username: str) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")


def test_an_editor_adds_an_event_and_an_admin_publishes_it(accounts, live_server, browser):
    editor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in_as(editor, live_server, "edna")
    editor.get_by_role("link", name="New event").click()
    editor.get_by_label("Title", exact=True).fill("Northlight signs AI dubbing deal with Vocalis")
    summary = "The studio will dub its catalogue with synthetic voices."
    editor.get_by_label("Summary", exact=True).fill(summary)
    editor.get_by_label("Category").select_option("studio-deal")
    editor.get_by_label("Start", exact=True).fill("2024-02-30")
    editor.get_by_role("button", name="Save as draft").click()
    expect(editor.locator("#start-error")).to_contain_text("February 2024 has no day 30")
    shot(editor, "admin-event-errors")

    editor.get_by_label("Start", exact=True).fill("2024-03")
    actors = editor.get_by_role("group", name="Actor 1")
    actors.get_by_label("Actor", exact=True).fill("OpenAI")
    actors.get_by_label("Role").select_option("vendor")
    second = editor.get_by_role("group", name="Actor 2")
    second.get_by_label("Actor", exact=True).fill("Northlight Pictures")
    second.get_by_label("Role").select_option("party")
    second.get_by_label("Kind, for a new actor").select_option("studio")
    source = editor.get_by_role("group", name="Source 1")
    source.get_by_label("URL", exact=True).fill("https://news.example.org/northlight-vocalis")
    source.get_by_label("Publisher").fill("Example News")
    shot(editor, "admin-event-form")
    editor.get_by_role("button", name="Save as draft").click()
    expect(editor.get_by_role("status")).to_contain_text("saved as a draft for review")
    editor.context.close()

    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in_as(admin, live_server, "ada")
    admin.get_by_role("link", name="Northlight signs AI dubbing deal with Vocalis").click()
    shot(admin, "admin-review")
    admin.get_by_role("button", name="Publish as it stands").click()
    expect(admin.get_by_role("status")).to_contain_text("is published")

    admin.goto(live_server + "/?q=Northlight")
    expect(admin.locator("li.event")).to_have_count(1)
    expect(admin.locator("svg.timeline-chart a.mark")).to_have_count(1)
    admin.goto(live_server + "/api/events?q=Vocalis")
    body = json.loads(admin.locator("body").inner_text())
    assert [e["title"] for e in body["events"]] == ["Northlight signs AI dubbing deal with Vocalis"]
    assert {a["name"] for a in body["events"][0]["actors"]} == {"OpenAI", "Northlight Pictures"}
    admin.context.close()


# The Content-Security-Policy in Chromium: nothing refused on the main pages, public or
# editors', and the scripts that moved into files still do their work.
CSP_PUBLIC = ["/", "/?from=2023&to=2023", "/events/writers-guild-of-america-strike", "/cost",
          "/docs/api", "/login", "/actors/openai"]  # fmt: skip
CSP_EDITORS = ["/admin/", "/admin/events/new", "/admin/events/writers-guild-of-america-strike/edit"]
# Collects what the policy refuses; added by the browser itself, so the policy does not apply.
LISTEN = """
window.refused = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.refused.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def refused_on(page, url: str) -> list[str]:
    """What the policy refused while `url` loaded and ran, by event and by console message."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(url)
    page.wait_for_load_state("load")
    refused = page.evaluate("window.refused")
    console = [text for text in console if "Content Security Policy" in text]
    return refused + console


def test_no_page_breaks_the_policy(accounts, live_server, page):
    page.add_init_script(LISTEN)
    for path in CSP_PUBLIC:
        assert refused_on(page, live_server + path) == [], path
    log_in_as(page, live_server, "ada")
    for path in CSP_EDITORS:
        assert refused_on(page, live_server + path) == [], path
    # The policy is in force: a script slipped into the page is refused, not run.
    injected = "var s = document.createElement('script'); s.textContent = 'window.ran = 1';"
    page.evaluate(injected + " document.body.appendChild(s);")
    assert page.evaluate("window.ran") is None
    assert page.evaluate("window.refused")[0].startswith("script-src")


def test_a_deletion_asks_first_and_a_no_keeps_the_event(accounts, live_server, page):
    page.add_init_script(LISTEN)
    log_in_as(page, live_server, "ada")
    edit = live_server + "/admin/events/writers-guild-of-america-strike/edit"
    page.goto(edit)
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Delete", exact=True).click()
    assert asked == ["Delete this event? Its history stays."]
    expect(page).to_have_url(edit)
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page).not_to_have_url(edit)
    assert page.request.get(live_server + "/events/writers-guild-of-america-strike").status == 404
    assert page.evaluate("window.refused") == []
