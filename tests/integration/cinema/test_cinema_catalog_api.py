"""The catalog REST API in-process against cinema_test: admin writes, public reads, problem+json errors."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from handlers.cinema.app import create_app

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


@pytest.fixture
async def api(cinema_settings, cinema_engine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(cinema_settings, cinema_engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://cinema.test") as client:
        yield client


@pytest.fixture
def admin(bearer) -> dict[str, str]:
    return bearer("admin")


async def create(api, admin, path: str, body: dict) -> dict:
    response = await api.post(path, json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


async def scheduled(api, admin) -> tuple[dict, dict, dict]:
    cinema = await create(api, admin, "/cinemas", {"name": "Api Cinema", "city": "Oslo", "address": "Gate 1"})
    rows = [
        {"label": "A", "seat_count": 4, "overrides": [{"number": 1, "kind": "wheelchair"}]},
        {"label": "B", "seat_count": 4, "kind": "premium"},
    ]
    hall = await create(api, admin, "/halls", {"cinema_id": cinema["id"], "name": "Api Hall", "rows": rows})
    movie = await create(
        api, admin, "/movies", {"title": "Api Movie", "duration_minutes": 90, "rating": "PG"}
    )
    return cinema, hall, movie


async def test_admin_builds_a_showtime_and_the_public_reads_its_seat_map(api, admin):
    cinema, hall, movie = await scheduled(api, admin)
    assert hall["seat_count"] == 8 and movie["genres"] == []
    starts_at = datetime(2031, 5, 4, 18, 0, tzinfo=UTC)
    body = {
        "movie_id": movie["id"],
        "hall_id": hall["id"],
        "starts_at": starts_at.isoformat(),
        "base_price_minor": 1200,
        "currency": "NOK",
    }
    showtime = await create(api, admin, "/showtimes", body)
    assert showtime["cinema_id"] == cinema["id"]
    assert datetime.fromisoformat(showtime["ends_at"]) == starts_at + timedelta(minutes=90)
    seats = (await api.get(f"/showtimes/{showtime['id']}/seats")).json()["seats"]
    assert [(s["seat_id"], s["kind"], s["price_minor"], s["state"]) for s in seats[:1] + seats[4:5]] == [
        ("A-1", "wheelchair", 1200, "available"),
        ("B-1", "premium", 1800, "available"),
    ]
    listed = await api.get(
        "/showtimes", params={"cinema_id": cinema["id"], "movie_id": movie["id"], "date": "2031-05-04"}
    )
    assert [item["id"] for item in listed.json()["items"]] == [showtime["id"]]
    assert (await api.get("/showtimes", params={"cinema_id": cinema["id"], "date": "2031-05-05"})).json()[
        "total"
    ] == 0
    assert (await api.get(f"/showtimes/{showtime['id']}")).json() == showtime


async def test_overlapping_showtime_is_a_409_problem_and_layout_is_frozen(api, admin):
    _, hall, movie = await scheduled(api, admin)
    base = {"movie_id": movie["id"], "hall_id": hall["id"], "base_price_minor": 900, "currency": "EUR"}
    first = await create(api, admin, "/showtimes", {**base, "starts_at": "2032-01-01T18:00:00Z"})
    overlap = await api.post(
        "/showtimes", json={**base, "starts_at": "2032-01-01T19:00:00+01:00"}, headers=admin
    )
    assert overlap.status_code == 409 and overlap.headers["content-type"] == PROBLEM
    after = await create(api, admin, "/showtimes", {**base, "starts_at": "2032-01-01T19:30:00Z"})
    moved = await api.patch(
        f"/showtimes/{after['id']}", json={"starts_at": "2032-01-01T19:29:00Z"}, headers=admin
    )
    assert moved.status_code == 409, moved.text
    relayout = await api.patch(
        f"/halls/{hall['id']}", json={"rows": [{"label": "A", "seat_count": 3}]}, headers=admin
    )
    assert relayout.status_code == 409 and first["id"] != after["id"]


async def test_admin_patches_cinemas_halls_and_movies(api, admin):
    cinema, hall, movie = await scheduled(api, admin)
    renamed = await api.patch(f"/cinemas/{cinema['id']}", json={"name": "Renamed"}, headers=admin)
    assert renamed.json()["name"] == "Renamed" and renamed.json()["city"] == "Oslo"
    hall_patch = {"rows": [{"label": "A", "seat_count": 12}], "name": "Bigger"}
    assert (await api.patch(f"/halls/{hall['id']}", json=hall_patch, headers=admin)).json()[
        "seat_count"
    ] == 12
    rerated = await api.patch(
        f"/movies/{movie['id']}", json={"rating": "R", "genres": ["noir"]}, headers=admin
    )
    assert (rerated.json()["rating"], rerated.json()["genres"]) == ("R", ["noir"])
    missing = await api.patch("/movies/2147483647", json={"rating": "R"}, headers=admin)
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


async def test_writes_need_an_admin_token(api, bearer):
    body = {"name": "X", "city": "Y", "address": "Z"}
    assert (await api.post("/cinemas", json=body)).status_code == 401
    bad = await api.post("/cinemas", json=body, headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401
    user = bearer("user")
    forbidden = await api.post("/cinemas", json=body, headers=user)
    assert forbidden.status_code == 403 and forbidden.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"name": "X", "city": ', "malformed JSON"),
        (b'{"name": "\xff\xfe", "city": "Y", "address": "Z"}', "not UTF-8"),
        (b'{"name": "X", "city": "Y", "address": "Z", "owner": "me"}', "unknown field"),
        (b'{"name": "X\\u0000", "city": "Y", "address": "Z"}', "NUL character"),
        (b'{"name": "\\ud800", "city": "Y", "address": "Z"}', "lone surrogate"),
        (b"[]", "not an object"),
    ],
)
async def test_bad_bodies_are_400_problems(api, admin, content, reason):
    headers = {**admin, "Content-Type": "application/json"}
    response = await api.post("/cinemas", content=content, headers=headers)
    assert response.status_code == 400, reason
    assert response.headers["content-type"] == PROBLEM and response.json()["status"] == 400


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/halls", {"cinema_id": 2147483647, "name": "H", "rows": [{"label": "A", "seat_count": 1}]}, 422),
        (
            "/showtimes",
            {
                "movie_id": 2147483647,
                "hall_id": 1,
                "starts_at": "2030-01-01T00:00:00Z",
                "base_price_minor": 1,
                "currency": "EUR",
            },
            422,
        ),
        ("/movies", {"title": "T", "duration_minutes": 0, "rating": "PG"}, 400),
        ("/movies", {"title": "T", "duration_minutes": 10, "rating": "PG", "poster_url": "not a url"}, 400),
    ],
)
async def test_domain_refusals_are_problems(api, admin, path, body, status):
    response = await api.post(path, json=body, headers=admin)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM


async def test_layout_rules_and_time_rules(api, admin):
    cinema, hall, movie = await scheduled(api, admin)
    duplicate_rows = {
        "cinema_id": cinema["id"],
        "name": "Dup",
        "rows": [{"label": "A", "seat_count": 2}, {"label": "A", "seat_count": 2}],
    }
    assert (await api.post("/halls", json=duplicate_rows, headers=admin)).status_code == 422
    too_big = {
        "cinema_id": cinema["id"],
        "name": "Huge",
        "rows": [{"label": chr(65 + n), "seat_count": 50} for n in range(11)],
    }
    assert (await api.post("/halls", json=too_big, headers=admin)).status_code == 422
    base = {"movie_id": movie["id"], "hall_id": hall["id"], "base_price_minor": 1, "currency": "EUR"}
    naive = await api.post("/showtimes", json={**base, "starts_at": "2030-01-01T10:00:00"}, headers=admin)
    ancient = await api.post("/showtimes", json={**base, "starts_at": "1970-01-01T10:00:00Z"}, headers=admin)
    assert (naive.status_code, ancient.status_code) == (400, 422)


async def test_pagination_and_query_validation(api, admin):
    for n in range(3):
        await create(api, admin, "/movies", {"title": f"Paged {n}", "duration_minutes": 90, "rating": "G"})
    page = (await api.get("/movies", params={"limit": 2, "offset": 1})).json()
    assert (len(page["items"]), page["limit"], page["offset"]) == (2, 2, 1) and page["total"] >= 3
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"date": "2030-13-01"}, {"movie_id": "x"}):
        response = await api.get("/showtimes", params=params)
        assert response.status_code == 400 and response.headers["content-type"] == PROBLEM, params
    assert (await api.get("/showtimes/0")).status_code == 400
    assert (await api.get("/showtimes/2147483647/seats")).status_code == 404


async def test_health(api):
    assert (await api.get("/health")).json() == {"status": "ok"}
