"""GET /showtimes/{id}/seats with ETag and If-None-Match (contracts/openapi/cinema.yaml), in-process
against cinema_test with response validation on: a 304 without a body while no seat changed, a new
tag after a hold, a confirmation, a release and a hold's expiry."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from handlers.cinema import holds
from handlers.cinema.app import create_app

pytestmark = pytest.mark.integration

RUN = uuid.uuid4().hex[:8]


@pytest.fixture
async def api(cinema_settings, cinema_engine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(cinema_settings, cinema_engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://cinema.test") as client:
        yield client


async def fetch(api: httpx.AsyncClient, showtime: int, etag: str | None = None) -> httpx.Response:
    headers = {"If-None-Match": etag} if etag else {}
    return await api.get(f"/showtimes/{showtime}/seats", headers=headers)


async def changed(api: httpx.AsyncClient, showtime: int, etag: str) -> str:
    """The map answered in full with a new tag (it changed since ``etag``); returns that tag."""
    response = await fetch(api, showtime, etag)
    assert response.status_code == 200, "the map changed but the answer was a 304"
    assert response.headers["etag"] != etag
    assert (await fetch(api, showtime, response.headers["etag"])).status_code == 304
    return response.headers["etag"]


async def test_an_unchanged_map_is_a_304_without_a_body(api, make_showtime):
    showtime = await make_showtime()
    first = await fetch(api, showtime)
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and (await fetch(api, showtime)).headers["etag"] == etag
    again = await fetch(api, showtime, etag)
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert again.headers["cache-control"] == "no-cache"
    for listed in (f'W/"other", {etag}', etag.removeprefix("W/"), "*"):
        assert (await fetch(api, showtime, listed)).status_code == 304, listed
    assert (await fetch(api, showtime, 'W/"other"')).status_code == 200


async def test_the_tag_changes_after_a_hold_a_confirmation_and_a_release(api, make_showtime, cinema_engine):
    showtime, hold_id = await make_showtime(), str(uuid.uuid4())
    etag = (await fetch(api, showtime)).headers["etag"]
    await holds.hold_seats(cinema_engine, showtime, ["A-3"], hold_id)
    etag = await changed(api, showtime, etag)
    await holds.confirm_seats(cinema_engine, hold_id, f"etag-booking-{RUN}")
    etag = await changed(api, showtime, etag)
    await holds.release_seats(cinema_engine, booking_id=f"etag-booking-{RUN}")
    await changed(api, showtime, etag)


async def test_the_tag_changes_when_a_hold_expires(api, make_showtime, cinema_engine):
    showtime = await make_showtime()
    await holds.hold_seats(cinema_engine, showtime, ["B-1"], str(uuid.uuid4()), ttl_seconds=1)
    held = await fetch(api, showtime)
    assert {s["seat_id"]: s["state"] for s in held.json()["seats"]}["B-1"] == "held"
    deadline = time.monotonic() + 10
    while (response := await fetch(api, showtime, held.headers["etag"])).status_code == 304:
        assert time.monotonic() < deadline, "the tag did not change when the hold expired"
        await asyncio.sleep(0.2)
    assert {s["seat_id"]: s["state"] for s in response.json()["seats"]}["B-1"] == "available"


async def test_an_unknown_showtime_is_still_a_404_whatever_the_tag(api):
    response = await fetch(api, 2147483647, "*")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
