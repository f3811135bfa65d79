"""The box office (web/, served by mesh.web through the gateway at /) in headless Chromium.

Every test works on a showtime of its own (scheduled by the admin through the gateway in the
2090s), with users it registers, against a whole mesh of the suite's own (tests/browser/mesh.py).
What the browser shows is checked against what the API says afterwards: a paid seat is sold, a
cancelled one free again.
Screenshots go to ``.run/screenshots/box-office-*.png``; the time from navigation to the seat map
drawn (the page's ``seatmap-drawn`` performance mark) is printed, cold and warm.
"""

import asyncio
import re
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from generated.graphql.booking import MUTATION_CREATE_BOOKING_SEAT_IDS as SEAT_COUNT
from mesh import journey
from tests.browser.chromium import SCREENSHOTS, start_chromium

pytestmark = [pytest.mark.browser]

SECONDS = 30
IGNORED = (NoSuchElementException, StaleElementReferenceException)  # a page re-rendered while looked at
PASSWORD = "correct-horse-42"
SEAT_LABEL = re.compile(
    r"^Row \w+ seat \d+, (standard|premium|wheelchair), \d+\.\d{2} [A-Z]{3}, (available|held|sold|selected)$"
)


@pytest.fixture
def chrome() -> Iterator[Callable[..., WebDriver]]:
    drivers: list[WebDriver] = []

    def start(width: int = 1280, height: int = 1000) -> WebDriver:
        drivers.append(start_chromium(width, height))
        return drivers[-1]

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture
def showtime(gateway: httpx.Client, admin_token: str) -> dict:
    return journey.schedule_fresh_showtime(gateway, admin_token)


def wait(driver: WebDriver, condition: Callable[[WebDriver], object], what: str, seconds: float = SECONDS):
    """``condition`` within ``seconds``, or an error that says what the page showed instead."""
    waiting = WebDriverWait(driver, seconds, poll_frequency=0.1, ignored_exceptions=IGNORED)
    try:
        return waiting.until(condition)
    except TimeoutException:
        shot(driver, "failure")
        shown = driver.execute_script("return document.body.innerText")
        raise AssertionError(
            f"{what} not shown within {seconds} s; the page shows:\n{shown[:1500]}"
        ) from None


def shot(driver: WebDriver, name: str) -> None:
    driver.save_screenshot(str(SCREENSHOTS / f"box-office-{name}.png"))


def seat(driver: WebDriver, seat_id: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'button[data-seat="{seat_id}"]')


def seat_state(driver: WebDriver, seat_id: str) -> str:
    return seat(driver, seat_id).get_attribute("aria-label").rsplit(", ", 1)[1]


def api_states(gateway: httpx.Client, showtime_id: int) -> dict[str, str]:
    return {s["seat_id"]: s["state"] for s in journey.seats(gateway, showtime_id)}


def until(condition: Callable[[], bool], what: str, seconds: float = SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def message(driver: WebDriver) -> str:
    return wait(
        driver, lambda d: (m := d.find_element(By.ID, "seat-message")).is_displayed() and m.text, "a message"
    )


def open_app(driver: WebDriver, base: str, route: str = "/") -> None:
    driver.get(f"{base}/#{route}")


def log_in(driver: WebDriver, base: str, email: str, next_route: str) -> None:
    open_app(driver, base, f"/login?next={next_route}")
    wait(driver, lambda d: d.find_elements(By.ID, "login-form"), "the log-in form")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.ID, "logout"), "the logged-in menu")


def seat_map(driver: WebDriver) -> list[WebElement]:
    return wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "button.seat"), "the seat map")


def drawn_ms(driver: WebDriver) -> float:
    return driver.execute_script("return performance.getEntriesByName('seatmap-drawn').at(-1).startTime")


def hold(driver: WebDriver, seat_ids: list[str]) -> None:
    for seat_id in seat_ids:
        seat(driver, seat_id).click()
    driver.find_element(By.ID, "hold").click()
    wait(driver, lambda d: d.find_element(By.ID, "checkout").is_displayed(), "the payment panel")


def pay(driver: WebDriver, token: str) -> None:
    Select(driver.find_element(By.ID, "card")).select_by_value(token)
    driver.find_element(By.ID, "pay").click()


def registered(gateway: httpx.Client) -> str:
    return journey.register(gateway, password=PASSWORD)["email"]


def logged_in_holding(
    driver: WebDriver, base: str, gateway: httpx.Client, showtime_id: int, count: int
) -> list[str]:
    """A new account logged in on the showtime's map, holding ``count`` seats that were available."""
    log_in(driver, base, registered(gateway), f"/showtime/{showtime_id}")
    seat_map(driver)
    chosen = [s for s, state in api_states(gateway, showtime_id).items() if state == "available"][:count]
    assert len(chosen) == count, "not enough seats left on the showtime"
    hold(driver, chosen)
    return chosen


def held_elsewhere(gateway: httpx.Client, showtime_id: int, seat_id: str) -> None:
    """Someone without a browser holds ``seat_id``: createBooking through the gateway."""
    token = journey.log_in(gateway, registered(gateway), PASSWORD)

    async def hold() -> None:
        async with journey.booking_api(gateway, token) as api:
            assert (await journey.create_booking(api, showtime_id, [seat_id])).error is None

    asyncio.run(hold())


def seat_map_statuses(driver: WebDriver) -> list[int]:
    """The HTTP status of every seat-map request the page made (Resource Timing)."""
    return driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter((e) => /[/]showtimes[/]\\d+[/]seats$/.test(new URL(e.name).pathname))"
        ".map((e) => e.responseStatus)"
    )


def console_errors(driver: WebDriver) -> list[str]:
    """SEVERE console lines, but the catalog's posters (hosts outside the machine: nothing resolves here)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "posters.cinemesh.dev" not in entry["message"]
    ]


def test_the_whole_journey_browse_register_pay_see_it_cancel(
    chrome, mesh, gateway: httpx.Client, showtime: dict
) -> None:
    base, route = mesh.gateway_url, f"/showtime/{showtime['id']}"
    driver = chrome()
    open_app(driver, base)
    movies = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".movies h2 a"), "the movies")
    headers = httpx.get(f"{base}/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    shot(driver, "movies")
    movies[0].click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#showtimes .times a"), "the showtimes by day")
    shot(driver, "showtimes")

    open_app(driver, base, route)  # anonymous: the map is public, holding asks for an account
    buttons = seat_map(driver)
    labels = [b.get_attribute("aria-label") for b in buttons]
    assert all(SEAT_LABEL.match(label) for label in labels), labels[:3]
    assert {"standard", "premium"} <= {SEAT_LABEL.match(label).group(1) for label in labels}
    assert len(driver.find_elements(By.CSS_SELECTOR, ".legend li")) >= 5
    free = [s for s, state in api_states(gateway, showtime["id"]).items() if state == "available"][:2]
    for seat_id in free:
        seat(driver, seat_id).click()
        assert seat(driver, seat_id).get_attribute("aria-pressed") == "true"
    assert "Total" in driver.find_element(By.ID, "selection").text
    shot(driver, "seat-map")
    driver.find_element(By.ID, "hold").click()
    wait(driver, lambda d: d.find_elements(By.ID, "login-form"), "the log-in form")
    driver.find_element(By.CSS_SELECTOR, "#login-form a").click()
    wait(driver, lambda d: d.find_elements(By.ID, "register-form"), "the registration form")
    email = f"browser-{uuid.uuid4().hex[:10]}@cinemesh.dev"
    driver.find_element(By.ID, "name").send_keys("Browser Guest")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.ID, "logout"), "the logged-in menu")
    seat_map(driver)  # back on the map, the seats still chosen
    assert [seat(driver, s).get_attribute("aria-pressed") for s in free] == ["true", "true"]
    assert "token" not in driver.current_url
    driver.find_element(By.ID, "hold").click()
    wait(driver, lambda d: "left to pay" in d.find_element(By.ID, "countdown").text, "the hold countdown")
    assert {api_states(gateway, showtime["id"])[s] for s in free} == {"held"}
    shot(driver, "checkout")
    pay(driver, "tok_visa_success")
    confirmation = wait(driver, lambda d: d.find_elements(By.ID, "confirmation"), "the confirmation")[0]
    assert "Booking confirmed" in confirmation.text and all(s in confirmation.text for s in free)
    assert {api_states(gateway, showtime["id"])[s] for s in free} == {"sold"}
    shot(driver, "confirmation")

    driver.find_element(By.LINK_TEXT, "My bookings").click()
    booking = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "li.booking"), "my bookings")[0]
    assert "CONFIRMED" in booking.text and all(s in booking.text for s in free)
    shot(driver, "my-bookings")
    booking.find_element(By.CSS_SELECTOR, "button.cancel").click()
    wait(
        driver,
        lambda d: "CANCELLED" in d.find_element(By.CSS_SELECTOR, "li.booking").text,
        "the cancelled booking",
    )
    until(lambda: {api_states(gateway, showtime["id"])[s] for s in free} == {"available"}, "the seats freed")

    driver.refresh()  # the refresh token (sessionStorage) logs the tab back in
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "li.booking"), "my bookings after a reload")
    stored = driver.execute_script("return sessionStorage.getItem('cinemesh.refresh_token')")
    assert stored and stored not in driver.current_url
    driver.find_element(By.ID, "logout").click()
    wait(driver, lambda d: d.find_elements(By.ID, "login-link"), "the logged-out menu")
    assert driver.execute_script("return sessionStorage.length") == 0
    assert gateway.post("/auth/refresh", json={"refresh_token": stored}).status_code == 401
    assert console_errors(driver) == []


def test_time_from_page_load_to_seat_map_drawn_cold_and_warm(chrome, mesh, showtime: dict) -> None:
    """Cold: a new browser profile (empty cache) loads the showtime's page; warm: it loads it again."""
    driver = chrome()
    open_app(driver, mesh.gateway_url, f"/showtime/{showtime['id']}")
    seat_map(driver)
    cold = drawn_ms(driver)
    timings = []
    for _ in range(3):
        driver.refresh()
        seat_map(driver)
        timings.append(drawn_ms(driver))
    warm = sorted(timings)[1]
    print(f"\npage load -> seat map drawn: cold {cold:.0f} ms, warm {warm:.0f} ms (median of 3)")
    assert cold < 10_000 and warm < 5_000
    assert console_errors(driver) == []


def test_two_browsers_race_for_one_seat_one_wins_the_other_is_told(
    chrome, mesh, gateway: httpx.Client, showtime: dict
) -> None:
    base, route = mesh.gateway_url, f"/showtime/{showtime['id']}"
    first, second = chrome(), chrome()
    for driver in (first, second):
        log_in(driver, base, registered(gateway), route)
        seat_map(driver)
    free = [s for s, state in api_states(gateway, showtime["id"]).items() if state == "available"]
    contested, elsewhere = free[:2]
    held_elsewhere(gateway, showtime["id"], elsewhere)
    for driver in (first, second):  # polling with If-None-Match: 304s while nothing changed, no reload
        wait(driver, lambda d: seat_state(d, elsewhere) == "held", "a seat held elsewhere turning held")
        wait(driver, lambda d: 304 in seat_map_statuses(d), "a 304 answer to the seat map's refresh")
        seat(driver, contested).click()
    first.find_element(By.ID, "hold").click()
    second.find_element(By.ID, "hold").click()

    def holding(driver: WebDriver) -> bool:
        return driver.find_element(By.ID, "checkout").is_displayed()

    until(lambda: holding(first) or holding(second), "one browser holding the seat")
    winner, loser = (first, second) if holding(first) else (second, first)
    assert "taken" in message(loser)
    assert not holding(loser)
    shot(loser, "race-lost")
    pay(winner, "tok_visa_success")
    wait(winner, lambda d: d.find_elements(By.ID, "confirmation"), "the winner's confirmation")
    wait(loser, lambda d: seat_state(d, contested) == "sold", "the contested seat turning sold")
    assert api_states(gateway, showtime["id"])[contested] == "sold"


def test_a_booking_takes_at_most_the_contracts_number_of_seats(chrome, mesh, showtime: dict) -> None:
    driver = chrome()
    open_app(driver, mesh.gateway_url, f"/showtime/{showtime['id']}")
    free = [b for b in seat_map(driver) if b.get_attribute("aria-label").endswith(", available")]
    for button in free[: SEAT_COUNT.max + 1]:
        button.click()
    assert f"at most {SEAT_COUNT.max} seats" in message(driver)
    pressed = driver.find_elements(By.CSS_SELECTOR, 'button.seat[aria-pressed="true"]')
    assert len(pressed) == SEAT_COUNT.max
    assert f"(at most {SEAT_COUNT.max})" in driver.find_element(By.ID, "selection").text


def test_a_declined_card_says_so_releases_the_seats_and_lets_the_person_choose_again(
    chrome, mesh, gateway: httpx.Client, showtime: dict
) -> None:
    driver = chrome()
    chosen = logged_in_holding(driver, mesh.gateway_url, gateway, showtime["id"], 2)
    pay(driver, "tok_card_declined")
    assert "declined" in message(driver).lower()
    shot(driver, "declined")
    assert {api_states(gateway, showtime["id"])[s] for s in chosen} == {"available"}
    driver.find_element(By.XPATH, "//button[normalize-space()='Choose seats again']").click()
    wait(driver, lambda d: seat_state(d, chosen[0]) == "available", "the released seat")
    hold(driver, chosen[:1])
    pay(driver, "tok_visa_success")
    wait(driver, lambda d: d.find_elements(By.ID, "confirmation"), "the confirmation after a new card")


def test_an_expired_hold_says_so_and_offers_a_way_on(
    chrome, mesh, gateway: httpx.Client, showtime: dict
) -> None:
    """The page's clock is moved past the hold's expiry (the mesh's hold lasts minutes)."""
    driver = chrome()
    logged_in_holding(driver, mesh.gateway_url, gateway, showtime["id"], 1)
    driver.execute_script("const now = Date.now; Date.now = () => now.call(Date) + 3600 * 1000;")
    assert "hold expired" in message(driver)
    shot(driver, "expired")
    assert not driver.find_element(By.ID, "checkout").is_displayed()
    driver.find_element(By.XPATH, "//button[normalize-space()='Choose seats again']").click()
    wait(driver, lambda d: d.find_element(By.ID, "hold").get_attribute("disabled") is not None, "a fresh map")


def test_seats_are_chosen_and_held_by_keyboard_alone_on_a_phone_sized_screen(
    chrome, mesh, gateway: httpx.Client, showtime: dict
) -> None:
    base, route = mesh.gateway_url, f"/showtime/{showtime['id']}"
    driver = chrome(390, 844)
    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)  # windows are 500 px at least
    log_in(driver, base, registered(gateway), route)
    seat_map(driver)
    assert driver.execute_script("return window.innerWidth") == 390
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

    def focused() -> WebElement:
        return driver.switch_to.active_element

    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(40):
        if focused().get_attribute("data-seat"):
            break
        focused().send_keys(Keys.TAB)
    picked = []
    while len(picked) < 2:
        element = focused()
        assert element.get_attribute("data-seat"), "Tab left the seat map before two seats were picked"
        if seat_state(driver, element.get_attribute("data-seat")) == "available":
            element.send_keys(Keys.SPACE)
            picked.append(element.get_attribute("data-seat"))
            assert element.get_attribute("aria-pressed") == "true"
        focused().send_keys(Keys.TAB)
    shot(driver, "phone-seat-map")
    for _ in range(400):
        if focused().get_attribute("id") == "hold":
            break
        focused().send_keys(Keys.TAB)
    focused().send_keys(Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.ID, "checkout").is_displayed(), "the payment panel")
    assert focused().get_attribute("id") == "card"
    assert {api_states(gateway, showtime["id"])[s] for s in picked} == {"held"}
    shot(driver, "phone-checkout")


def test_the_app_routes_shadow_no_api_route(mesh, gateway: httpx.Client) -> None:
    page = gateway.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    policy = page.headers["content-security-policy"]
    assert (
        "default-src 'none'" in policy
        and "connect-src 'self'" in policy
        and "frame-ancestors 'none'" in policy
    )
    assert gateway.get("/assets/main.js").status_code == 200
    assert "'none'" in gateway.get("/movies").headers["content-security-policy"]  # the API's own policy
    assert gateway.get("/movies").json()["items"]
    assert gateway.get("/docs").status_code == 200
    assert gateway.post("/graphql", json={"query": "{ movies { id } }"}).json()["data"]["movies"]
    assert gateway.post("/users", json={}).headers["content-type"].startswith("application/problem+json")
    assert gateway.get("/users/me").status_code == 401
    assert gateway.get("/no-such-page").status_code == 404
    bundle = gateway.get("/assets/main.js").text
    assert not re.search(r"BEGIN [A-Z ]*PRIVATE KEY|tok_live|password\s*[:=]\s*\"", bundle)


def test_a_network_error_while_paying_says_so_and_checking_again_finishes(
    chrome, mesh, gateway: httpx.Client, showtime: dict
) -> None:
    driver = chrome()
    [chosen] = logged_in_holding(driver, mesh.gateway_url, gateway, showtime["id"], 1)
    driver.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    pay(driver, "tok_visa_success")
    assert "cannot reach the server" in message(driver)
    shot(driver, "network-error")
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {**offline, "offline": False})
    driver.find_element(By.XPATH, "//button[normalize-space()='Check again']").click()
    wait(driver, lambda d: d.find_elements(By.ID, "confirmation"), "the confirmation after checking again")
    assert api_states(gateway, showtime["id"])[chosen] == "sold"
