// The box office: hash routes (#/, #/movie/ID, #/showtime/ID, #/login, #/register, #/bookings).
import "./style.css";
import * as api from "./api";
import { ApiError, type Cinema, type Showtime, type User } from "./api";
import { type Booking, cancelBooking, myBookings } from "./booking";
import { h, money, dateTime, day } from "./dom";
import { showSeatMap } from "./seatmap";

const app = document.getElementById("app")!;
const nav = document.getElementById("nav")!;
const status = document.getElementById("status")!;
let user: User | null = null;
let leave: (() => void) | null = null;
let cinemaList: Promise<Cinema[]> | null = null;

const cinemas = () => (cinemaList ??= api.cinemas().then((page) => page.items).catch(() => []));
const route = () => location.hash.replace(/^#/, "") || "/";
const go = (path: string) => {
  location.hash = `#${path}`;
};
const goLogIn = () => go(`/login?next=${encodeURIComponent(route())}`);

function drawNav(): void {
  nav.replaceChildren(
    ...(user
      ? [
          h("a", { href: "#/bookings" }, "My bookings"),
          h("span", { class: "who" }, user.name),
          h("button", { id: "logout", type: "button", onclick: () => void logOut() }, "Log out"),
        ]
      : [h("a", { href: "#/login", id: "login-link" }, "Log in"), h("a", { href: "#/register" }, "Register")]),
  );
}

async function logOut(): Promise<void> {
  await api.logOut();
  user = null;
  drawNav();
  go("/");
}

function problem(error: unknown, retry: () => void): HTMLElement {
  const text = error instanceof Error ? error.message : String(error);
  return h("div", { class: "message error", role: "alert" }, h("p", {}, text), h("button", { type: "button", onclick: retry }, "Try again"));
}

const placeholder = (title: string) => h("div", { class: "poster", "aria-hidden": "true" }, title.slice(0, 1));

function posterMissing(event: Event): void {
  const image = event.target as HTMLImageElement;
  image.replaceWith(placeholder(image.alt.replace(/^Poster of /, "")));
}

async function home(): Promise<void> {
  const [movies, halls] = await Promise.all([api.movies(), cinemas()]);
  app.replaceChildren(
    h("h1", {}, "Now showing"),
    h(
      "ul",
      { class: "movies" },
      movies.items.map((movie) =>
        h(
          "li",
          { class: "card movie" },
          movie.poster_url
            ? h("img", { src: movie.poster_url, alt: `Poster of ${movie.title}`, loading: "lazy", referrerpolicy: "no-referrer", onerror: posterMissing })
            : placeholder(movie.title),
          h("h2", {}, h("a", { href: `#/movie/${movie.id}` }, movie.title)),
          h("p", { class: "small" }, `Rated ${movie.rating} · ${movie.duration_minutes} min${movie.genres.length ? ` · ${movie.genres.join(", ")}` : ""}`),
        ),
      ),
    ),
    h("h2", {}, "Cinemas"),
    h("ul", { class: "cinemas" }, halls.map((cinema) => h("li", {}, `${cinema.name}, ${cinema.address}, ${cinema.city}`))),
  );
}

async function moviePage(id: number): Promise<void> {
  const [movie, halls] = await Promise.all([api.movie(id), cinemas()]);
  const cinemaSelect = h("select", { id: "cinema" }, h("option", { value: "" }, "All cinemas"), halls.map((c) => h("option", { value: c.id }, c.name)));
  const dateInput = h("input", { id: "date", type: "date" });
  const list = h("div", { id: "showtimes" });
  const names = new Map(halls.map((c) => [c.id, c.name]));
  const load = async () => {
    list.replaceChildren(h("p", {}, "Loading showtimes…"));
    try {
      const page = await api.showtimes({
        movie_id: id,
        cinema_id: cinemaSelect.value ? Number(cinemaSelect.value) : undefined,
        date: dateInput.value || undefined,
      });
      const days = new Map<string, Showtime[]>();
      for (const s of page.items) days.set(day(s.starts_at), [...(days.get(day(s.starts_at)) ?? []), s]);
      list.replaceChildren(
        ...(days.size ? [] : [h("p", {}, "No showtime on that day.")]),
        ...[...days].map(([date, shows]) =>
          h(
            "section",
            { class: "day" },
            h("h2", {}, new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" })),
            h(
              "ul",
              { class: "times" },
              shows.map((s) =>
                h(
                  "li",
                  {},
                  h("a", { href: `#/showtime/${s.id}`, class: "button" }, new Date(s.starts_at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })),
                  ` ${names.get(s.cinema_id) ?? ""} · from ${money(s.base_price_minor, s.currency)}`,
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      list.replaceChildren(problem(error, () => void load()));
    }
  };
  cinemaSelect.addEventListener("change", () => void load());
  dateInput.addEventListener("change", () => void load());
  app.replaceChildren(
    h("h1", {}, movie.title),
    h("p", { class: "small" }, `Rated ${movie.rating} · ${movie.duration_minutes} min`),
    h("div", { class: "filters" }, h("label", { for: "cinema" }, "Cinema "), cinemaSelect, h("label", { for: "date" }, "Day "), dateInput),
    list,
  );
  await load();
}

function accountForm(kind: "login" | "register", next: string): void {
  const fields =
    kind === "register"
      ? [["name", "Name", "text", "name"], ["email", "Email", "email", "email"], ["password", "Password", "password", "new-password"]]
      : [["email", "Email", "email", "email"], ["password", "Password", "password", "current-password"]];
  const error = h("div", { class: "message error", role: "alert", hidden: true });
  const form = h(
    "form",
    { id: `${kind}-form`, class: "card account" },
    h("h1", {}, kind === "login" ? "Log in" : "Create an account"),
    fields.map(([name, label, type, autocomplete]) =>
      h("p", {}, h("label", { for: name }, label), h("input", { id: name, name, type, autocomplete, required: true, ...(name === "password" && kind === "register" ? { minlength: 8 } : {}) })),
    ),
    error,
    h("button", { type: "submit", class: "primary" }, kind === "login" ? "Log in" : "Register"),
    kind === "login" ? h("p", {}, "No account? ", h("a", { href: `#/register?next=${encodeURIComponent(next)}` }, "Register")) : null,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? "");
    error.hidden = true;
    try {
      if (kind === "register") await api.register(value("name"), value("email"), value("password"));
      else await api.logIn(value("email"), value("password"));
      user = await api.me();
      drawNav();
      go(next);
    } catch (failure) {
      error.replaceChildren(h("p", {}, failure instanceof Error ? failure.message : String(failure)));
      error.hidden = false;
    }
  });
  app.replaceChildren(form);
}

async function bookingsPage(): Promise<void> {
  if (!api.loggedIn()) return goLogIn();
  const list = await myBookings();
  const showtimes = new Map<string, Showtime | null>();
  await Promise.all(
    [...new Set(list.map((b) => b.showtimeId))].map(async (id) => showtimes.set(id, await api.showtime(id).catch(() => null))),
  );
  const row = (booking: Booking): HTMLElement => {
    const shown = showtimes.get(booking.showtimeId);
    const note = h("div", { class: "message", role: "alert", hidden: true });
    const cancellable = booking.status === "PENDING" || booking.status === "CONFIRMED";
    const cancel = h("button", { type: "button", class: "cancel" }, booking.status === "CONFIRMED" ? "Cancel and refund" : "Cancel");
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      try {
        const result = await cancelBooking(booking.id);
        if (result.error) {
          note.replaceChildren(h("p", {}, result.error.message));
          note.className = "message error";
          note.hidden = false;
          cancel.disabled = false;
        } else await bookingsPage();
      } catch (error) {
        note.replaceChildren(h("p", {}, error instanceof Error ? error.message : String(error)));
        note.className = "message error";
        note.hidden = false;
        cancel.disabled = false;
      }
    });
    return h(
      "li",
      { class: "card booking", "data-booking": booking.id },
      h("h2", {}, h("span", { class: `badge ${booking.status.toLowerCase()}` }, booking.status), ` ${shown ? dateTime(shown.starts_at) : `Showtime ${booking.showtimeId}`}`),
      h("p", {}, `Seats ${booking.seatIds.join(", ")} · ${money(booking.total.amount, booking.total.currency)}`),
      booking.status === "PENDING" ? h("p", { class: "small" }, `Held until ${dateTime(booking.holdExpiresAt)}`) : null,
      h("p", { class: "small" }, `Booked ${dateTime(booking.createdAt)} · ${booking.id}`),
      note,
      cancellable ? cancel : null,
    );
  };
  app.replaceChildren(
    h("h1", {}, "My bookings"),
    list.length ? h("ul", { class: "bookings" }, list.map(row)) : h("p", {}, "No booking yet. ", h("a", { href: "#/" }, "Browse movies")),
  );
}

async function render(): Promise<void> {
  leave?.();
  leave = null;
  const [path, query = ""] = route().split("?");
  const next = new URLSearchParams(query).get("next") || "/";
  const parts = path.split("/").filter(Boolean);
  status.textContent = "";
  try {
    if (parts[0] === "movie" && parts[1]) await moviePage(Number(parts[1]));
    else if (parts[0] === "showtime" && parts[1]) {
      const id = parts[1];
      const chosen = (new URLSearchParams(query).get("seats") ?? "").split(",").filter(Boolean);
      const logInFirst = (seatIds: string[]) =>
        go(`/login?next=${encodeURIComponent(`/showtime/${id}${seatIds.length ? `?seats=${seatIds.join(",")}` : ""}`)}`);
      leave = await showSeatMap(app, id, logInFirst, chosen);
    }
    else if (parts[0] === "login") accountForm("login", next);
    else if (parts[0] === "register") accountForm("register", next);
    else if (parts[0] === "bookings") await bookingsPage();
    else await home();
  } catch (error) {
    if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return goLogIn();
    app.replaceChildren(problem(error, () => void render()));
  }
}

async function start(): Promise<void> {
  if (await api.refresh().catch(() => false)) user = await api.me().catch(() => null);
  drawNav();
  window.addEventListener("hashchange", () => void render());
  await render();
}

void start();
