// The public API through the gateway (same origin): REST for accounts and the catalog, GraphQL for
// bookings. Tokens: the access token lives in this module's memory only; the refresh token in
// sessionStorage (this tab, this origin), so a reload logs back in with it; neither ever goes in a URL.
import type { components as UserApi, paths as UserPaths } from "./generated/user";
import type { components as CinemaApi, paths as CinemaPaths } from "./generated/cinema";

export type User = UserApi["schemas"]["User"];
type Tokens = UserApi["schemas"]["TokenResponse"];
type Problem = CinemaApi["schemas"]["Problem"];
export type Movie = CinemaApi["schemas"]["Movie"];
export type Cinema = CinemaApi["schemas"]["Cinema"];
export type Showtime = CinemaApi["schemas"]["Showtime"];
export type Seat = CinemaApi["schemas"]["Seat"];
export type SeatMap = CinemaApi["schemas"]["SeatMap"];
type Page<T> = CinemaApi["schemas"]["Page"] & { items: T[] };

const REFRESH_KEY = "cinemesh.refresh_token";

/** A path of the contracts, its {parameters} filled in: a path the contracts drop fails tsc. */
function url(template: keyof UserPaths | keyof CinemaPaths, parameters: Record<string, string | number> = {}, query = ""): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(parameters[name])));
  return query ? `${path}?${query}` : path;
}

/** A call that did not succeed: `status` 0 is a network error (no answer at all). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
  get network(): boolean {
    return this.status === 0;
  }
}

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;

export const loggedIn = () => accessToken !== null;

async function send(path: string, init: RequestInit = {}, auth = false): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body) headers.set("Content-Type", "application/json");
  if (auth && accessToken) headers.set("Authorization", `Bearer ${accessToken}`);
  try {
    return await fetch(path, { ...init, headers, cache: "no-store" });
  } catch {
    throw new ApiError("The box office cannot reach the server. Check your connection and try again.", 0);
  }
}

async function failure(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const problem = (await response.json()) as Partial<Problem> & { message?: string };
    message = problem.detail || problem.title || problem.message || message;
  } catch {
    // not JSON: the status line says it
  }
  return new ApiError(message, response.status);
}

async function json<T>(path: string, init: RequestInit = {}, auth = false): Promise<T> {
  let response = await send(path, init, auth);
  if (response.status === 401 && auth && (await refresh())) response = await send(path, init, auth);
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

function keep(tokens: Tokens): void {
  accessToken = tokens.access_token;
  sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
}

function forget(): void {
  accessToken = null;
  sessionStorage.removeItem(REFRESH_KEY);
}

/** Exchange the stored refresh token (single use) for a new pair; false when there is none or it is refused. */
export function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const token = sessionStorage.getItem(REFRESH_KEY);
    if (!token) return false;
    const response = await send(url("/auth/refresh"), { method: "POST", body: JSON.stringify({ refresh_token: token }) });
    if (!response.ok) {
      if (response.status < 500) forget();
      return false;
    }
    keep((await response.json()) as Tokens);
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export async function logIn(email: string, password: string): Promise<void> {
  keep(await json<Tokens>(url("/auth/token"), { method: "POST", body: JSON.stringify({ email, password }) }));
}

export async function register(name: string, email: string, password: string): Promise<void> {
  await json<User>(url("/users"), { method: "POST", body: JSON.stringify({ name, email, password }) });
  await logIn(email, password);
}

export async function logOut(): Promise<void> {
  const token = sessionStorage.getItem(REFRESH_KEY);
  forget();
  if (token) await send(url("/auth/revoke"), { method: "POST", body: JSON.stringify({ refresh_token: token }) });
}

export const me = () => json<User>(url("/users/me"), {}, true);
export const movies = () => json<Page<Movie>>(url("/movies", {}, "limit=100"));
export const cinemas = () => json<Page<Cinema>>(url("/cinemas", {}, "limit=100"));
export const showtime = (id: string) => json<Showtime>(url("/showtimes/{showtime_id}", { showtime_id: id }));

let catalog: Promise<Movie[]> | null = null;

/** One movie of the catalog (the API lists movies; it has no single-movie read). */
export async function movie(id: number): Promise<Movie> {
  catalog ??= movies().then((page) => page.items);
  const found = (await catalog.catch((error) => ((catalog = null), Promise.reject(error)))).find((m) => m.id === id);
  if (!found) throw new ApiError(`Movie ${id} is not in the catalog.`, 404);
  return found;
}

export function showtimes(filter: { movie_id?: number; cinema_id?: number; date?: string }): Promise<Page<Showtime>> {
  const query = new URLSearchParams({ limit: "100" });
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== "") query.set(key, String(value));
  return json<Page<Showtime>>(url("/showtimes", {}, String(query)));
}

let seatTag: { showtime: string; etag: string; map: SeatMap } | null = null;

/** The seat map; sends If-None-Match when the API gave an ETag, and reuses the map on a 304. */
export async function seatMap(showtimeId: string): Promise<SeatMap> {
  const cached = seatTag?.showtime === showtimeId ? seatTag : null;
  const headers: HeadersInit = cached ? { "If-None-Match": cached.etag } : {};
  const response = await send(url("/showtimes/{showtime_id}/seats", { showtime_id: showtimeId }), { headers });
  if (response.status === 304 && cached) return cached.map;
  if (!response.ok) throw await failure(response);
  const map = (await response.json()) as SeatMap;
  const etag = response.headers.get("ETag");
  seatTag = etag ? { showtime: showtimeId, etag, map } : null;
  return map;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function graphql<T>(query: string, operationName: string, variables: object): Promise<T> {
  const call = () => send("/graphql", { method: "POST", body: JSON.stringify({ query, operationName, variables }) }, true);
  let response = await call();
  if (response.status === 401 && (await refresh())) response = await call();
  let answer: GraphQLAnswer<T>;
  try {
    answer = (await response.json()) as GraphQLAnswer<T>;
  } catch {
    throw await failure(response);
  }
  const error = answer.errors?.[0];
  if (error) {
    if (error.extensions?.code === "UNAUTHENTICATED") forget();
    throw new ApiError(error.message, response.status, error.extensions?.code);
  }
  if (!response.ok || !answer.data) throw new ApiError(`${response.status} ${response.statusText}`, response.status);
  return answer.data;
}
