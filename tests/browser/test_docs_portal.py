"""The docs portal in headless Chromium (Debian's ``chromium`` and ``chromium-driver``).

The test starts the portal itself on a free port and opens every page with host-name resolution
switched off, so a page that needed anything from outside the machine would fail here. Each page
must list what its contract declares: every REST operation in Swagger UI, every root field of the
SDL (reference page and GraphiQL's explorer), every AsyncAPI operation and message, every RPC of
the proto with its comment. Screenshots go to ``.run/screenshots/``.
"""

import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
import yaml
from graphql import build_schema
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from handlers.common.settings import REPO_ROOT
from mesh.docs.app import create_app
from mesh.docs.settings import DocsSettings
from tests.browser.chromium import SCREENSHOTS, start_chromium, wait_until

pytestmark = [pytest.mark.browser]

CONTRACTS = REPO_ROOT / "contracts"
REST_CONTRACTS = sorted(p for p in (CONTRACTS / "openapi").glob("*.yaml") if p.name != "components.yaml")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
RENDER_SECONDS = 30


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(DocsSettings()), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 15, "the portal to start")
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    listener.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = start_chromium()
    yield driver
    driver.quit()


def visit(driver: WebDriver, url: str) -> None:
    driver.get_log("browser")  # forget what earlier pages logged
    driver.get(url)


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], object], what: str) -> object:
    return WebDriverWait(driver, RENDER_SECONDS, poll_frequency=0.1).until(condition, f"{what} not rendered")


def finish(driver: WebDriver, portal: str, name: str) -> None:
    """Screenshot, then: every resource came from the portal and the console has no error."""
    driver.save_screenshot(str(SCREENSHOTS / f"docs-{name}.png"))
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [url for url in resources if not url.startswith(f"{portal}/")] == []
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def text_of(driver: WebDriver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def test_index_links_every_contract_and_every_link_answers(browser: WebDriver, portal: str) -> None:
    visit(browser, f"{portal}/docs")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "article.contract"), "the contract cards")
    hrefs = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main a[href]")}
    contract_files = sorted(
        path
        for path in CONTRACTS.rglob("*")
        if path.suffix in {".yaml", ".graphql", ".proto"} and path.name != "buf.yaml"
    )
    assert {f"{portal}/docs/contracts/{path.relative_to(CONTRACTS)}" for path in contract_files} <= hrefs
    with httpx.Client() as client:
        broken = {href: client.get(href).status_code for href in hrefs}
    assert {href: status for href, status in broken.items() if status != 200} == {}
    finish(browser, portal, "index")


@pytest.mark.parametrize("spec", REST_CONTRACTS, ids=lambda path: path.stem)
def test_swagger_ui_lists_every_operation_of_the_contract(
    browser: WebDriver, portal: str, spec: Path
) -> None:
    contract = yaml.safe_load(spec.read_text())
    declared = {
        (method.upper(), route)
        for route, item in contract["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    visit(browser, f"{portal}/docs/openapi/{spec.stem}.html")
    blocks = wait_for(
        browser,
        lambda d: len(found := d.find_elements(By.CSS_SELECTOR, ".opblock")) >= len(declared) and found,
        f"the {len(declared)} operations of {spec.name}",
    )
    shown = {
        (
            block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text,
            block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path"),
        )
        for block in blocks
    }
    assert shown == declared
    finish(browser, portal, f"openapi-{spec.stem}")


def sdl_root_fields() -> dict[str, dict]:
    schema = build_schema((CONTRACTS / "graphql" / "booking.graphql").read_text())
    return {root.name: root.fields for root in (schema.query_type, schema.mutation_type) if root}


def test_graphql_reference_lists_every_query_and_mutation(browser: WebDriver, portal: str) -> None:
    visit(browser, f"{portal}/docs/graphql/booking.html")
    wait_for(browser, lambda d: d.find_elements(By.ID, "Mutation"), "the Mutation section")
    for root, fields in sdl_root_fields().items():
        for name, field in fields.items():
            shown = text_of(browser, f"{root}.{name}")
            assert shown.startswith(name)
            assert (field.description or "").split("\n")[0].strip() in shown
    assert "createBooking(" in text_of(browser, "Mutation")
    finish(browser, portal, "graphql-reference")


def test_graphiql_explorer_shows_the_contract_schema(browser: WebDriver, portal: str) -> None:
    visit(browser, f"{portal}/docs/graphql/booking.graphiql.html")
    explorer = 'button[aria-label="Show Documentation Explorer"]'
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, explorer), "GraphiQL")[0].click()
    for root, fields in sdl_root_fields().items():
        link = f"//div[contains(@class,'graphiql-doc-explorer')]//a[normalize-space()='{root}']"
        wait_for(browser, lambda d, xpath=link: d.find_elements(By.XPATH, xpath), f"the {root} link")[
            0
        ].click()
        names = ".graphiql-doc-explorer-field-name"
        wait_for(
            browser,
            lambda d, names=names, fields=fields: (
                {e.text for e in d.find_elements(By.CSS_SELECTOR, names)} == set(fields)
            ),
            f"the {root} fields in the explorer",
        )
        browser.save_screenshot(str(SCREENSHOTS / f"docs-graphiql-{root}.png"))
        browser.find_element(By.CSS_SELECTOR, ".graphiql-doc-explorer-back").click()
    finish(browser, portal, "graphiql")


def test_asyncapi_page_lists_every_operation_and_message(browser: WebDriver, portal: str) -> None:
    contract = yaml.safe_load((CONTRACTS / "asyncapi" / "events.yaml").read_text())
    channels = {name: channel["address"] for name, channel in contract["channels"].items()}
    expected = [
        f"{operation['action'].upper()} {channels[operation['channel']['$ref'].split('/')[-1]]}"
        for operation in contract["operations"].values()
    ] + [f"Message ID{name}" for name in contract["components"]["messages"]]
    visit(browser, f"{portal}/docs/asyncapi/events.html")
    wait_for(browser, lambda d: "Operations" in text_of(d, "asyncapi"), "the AsyncAPI document")
    shown = text_of(browser, "asyncapi")
    assert [line for line in expected if line not in shown] == []
    assert "SEND booking.confirmed" in shown
    finish(browser, portal, "asyncapi")


def proto_rpcs(proto: Path) -> dict[str, str]:
    """Each rpc of the file with the first line of the comment just above it, read from the source."""
    rpcs, comment = {}, []
    for line in proto.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("//"):
            comment.append(stripped.removeprefix("//").strip())
        elif match := re.match(r"rpc\s+(\w+)\s*\(", stripped):
            rpcs[match.group(1)] = comment[0] if comment else ""
            comment = []
        else:
            comment = []
    return rpcs


def test_proto_page_lists_every_rpc_with_its_comment(browser: WebDriver, portal: str) -> None:
    proto = CONTRACTS / "proto" / "cinema" / "v1" / "seat_inventory.proto"
    service = re.search(r"^service\s+(\w+)", proto.read_text(), re.MULTILINE).group(1)
    visit(browser, f"{portal}/docs/proto/cinema/v1/seat_inventory.html")
    wait_for(browser, lambda d: d.find_elements(By.ID, service), f"the {service} section")
    rpcs = proto_rpcs(proto)
    assert "HoldSeats" in rpcs
    for name, comment in rpcs.items():
        shown = text_of(browser, f"{service}.{name}")
        assert shown.startswith(f"rpc {name}(")
        assert comment in shown
    finish(browser, portal, "proto")
