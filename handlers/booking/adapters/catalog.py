"""``Catalog`` over the cinema service's public REST API (``contracts/openapi/cinema.yaml``)."""

from typing import Any, TypeVar

import httpx

from generated.openapi import cinema as api
from handlers.booking.errors import DependencyUnavailable
from handlers.common.correlation import outgoing_headers

PAGE = 100
MAX_PAGES = 20
Page = TypeVar("Page", api.MoviePage, api.ShowtimePage)


class RestCatalog:
    def __init__(self, client: httpx.AsyncClient):
        self._client = client
        self._titles: dict[str, str] = {}  # movie id -> title; refreshed whenever an id is missing

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response | None:
        try:
            response = await self._client.get(path, params=params, headers=outgoing_headers())
        except httpx.HTTPError as exc:
            raise DependencyUnavailable(f"The cinema catalog is unavailable ({type(exc).__name__}).") from exc
        if response.status_code in (400, 404):
            return None
        if response.status_code >= 300:
            raise DependencyUnavailable(f"The cinema catalog answered {response.status_code}.")
        return response

    async def _pages(self, path: str, page_model: type[Page], params: dict[str, Any]) -> list[Page]:
        pages: list[Page] = []
        for page_number in range(MAX_PAGES):
            response = await self._get(path, {**params, "limit": PAGE, "offset": page_number * PAGE})
            if response is None:
                return pages
            page = page_model.model_validate(response.json())
            pages.append(page)
            if sum(len(seen.items) for seen in pages) >= page.total or not page.items:
                break
        return pages

    async def movies(self) -> list[dict[str, Any]]:
        movies = [movie for page in await self._pages("/movies", api.MoviePage, {}) for movie in page.items]
        return [
            {
                "id": str(movie.id.root),
                "title": movie.title.root,
                "duration_minutes": movie.duration_minutes,
                "rating": str(movie.rating),
                "genres": [genre.root for genre in movie.genres.root],
            }
            for movie in movies
        ]

    async def showtimes(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        params = {key: value for key, value in filters.items() if value is not None}
        pages = await self._pages("/showtimes", api.ShowtimePage, params)
        return [_showtime(item) for page in pages for item in page.items]

    async def showtime(self, showtime_id: str) -> dict[str, Any] | None:
        if not showtime_id.isdigit():
            return None
        response = await self._get(f"/showtimes/{showtime_id}")
        if response is None:
            return None
        showtime = _showtime(api.Showtime.model_validate(response.json()))
        if showtime["movie_id"] not in self._titles:  # the cinema API has no GET /movies/{id}
            self._titles = {movie["id"]: movie["title"] for movie in await self.movies()}
        return {**showtime, "movie_title": self._titles.get(showtime["movie_id"])}


def _showtime(item: api.Showtime) -> dict[str, Any]:
    return {
        "id": str(item.id.root),
        "movie_id": str(item.movie_id.root),
        "cinema_id": str(item.cinema_id.root),
        "hall_id": str(item.hall_id.root),
        "starts_at": item.starts_at,
        "price": {"amount": item.base_price_minor.root, "currency": item.currency.root},
    }
