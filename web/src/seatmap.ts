// The seat map of one showtime: seats as labelled buttons by row, a legend with the price tiers,
// polling while open, then hold (createBooking) -> countdown -> pay (confirmBooking) -> confirmation.
import * as api from "./api";
import { ApiError, type Seat } from "./api";
import { type Booking, type Payload, cancelBooking, confirmBooking, createBooking } from "./booking";
import { h, money, dateTime, newKey } from "./dom";
import { MUTATION_CREATE_BOOKING_SEAT_IDS as SEAT_COUNT } from "./generated/limits";

const POLL_MS = 3000;
// The payment service's test tokens (README "Test payment tokens"): a demo box office takes no real card.
const TEST_CARDS: [string, string][] = [
  ["tok_visa_success", "Visa (test, succeeds)"],
  ["tok_mastercard_success", "Mastercard (test, succeeds)"],
  ["tok_card_declined", "Card declined (test)"],
  ["tok_insufficient_funds", "Insufficient funds (test)"],
  ["tok_expired_card", "Expired card (test)"],
];
const KIND_NAMES: Record<Seat["kind"], string> = { standard: "Standard", premium: "Premium", wheelchair: "Wheelchair" };

export function seatLabel(seat: Seat, currency: string, selected: boolean): string {
  const state = selected ? "selected" : seat.state;
  return `Row ${seat.row} seat ${seat.number}, ${seat.kind}, ${money(seat.price_minor, currency)}, ${state}`;
}

/** Draws the showtime's seat map into `root`; returns what stops its timers. */
export async function showSeatMap(
  root: HTMLElement,
  showtimeId: string,
  goLogIn: (seatIds: string[]) => void,
  preselected: string[],
): Promise<() => void> {
  const [showtime, first] = await Promise.all([api.showtime(showtimeId), api.seatMap(showtimeId)]);
  let movie: api.Movie | null = null;
  const currency = first.currency;
  const seats = new Map(first.seats.map((seat) => [seat.seat_id, seat]));
  const buttons = new Map<string, HTMLButtonElement>();
  const selected = new Set(preselected.filter((id) => seats.get(id)?.state === "available").slice(0, SEAT_COUNT.max));
  let hold: Booking | null = null;
  let busy = false;
  let timers: number[] = [];
  const stop = () => {
    for (const timer of timers) window.clearInterval(timer);
    timers = [];
  };

  const message = h("div", { id: "seat-message", class: "message", role: "alert" });
  const summary = h("p", { id: "selection" });
  const holdButton = h("button", { id: "hold", type: "button", class: "primary" }, "Hold seats");
  const checkout = h("section", { id: "checkout", "aria-label": "Payment", hidden: true });
  const grid = h("div", { class: "seats", role: "group", "aria-label": "Seats" });

  function say(text: string, kind: "error" | "info", ...actions: [string, () => void][]): void {
    message.replaceChildren(
      h("p", {}, text),
      ...actions.map(([label, run]) => h("button", { type: "button", onclick: run }, label)),
    );
    message.className = `message ${kind}`;
    message.hidden = false;
  }
  const quiet = () => {
    message.hidden = true;
    message.replaceChildren();
  };

  function paint(seat: Seat): void {
    const button = buttons.get(seat.seat_id)!;
    const isSelected = selected.has(seat.seat_id);
    button.className = `seat ${seat.kind} ${isSelected ? "selected" : seat.state}`;
    button.setAttribute("aria-label", seatLabel(seat, currency, isSelected));
    button.setAttribute("aria-pressed", String(isSelected));
    button.disabled = hold !== null || (seat.state !== "available" && !isSelected);
  }

  function refreshSummary(): void {
    const chosen = [...selected].map((id) => seats.get(id)!);
    const total = chosen.reduce((sum, seat) => sum + seat.price_minor, 0);
    const limit = ` (at most ${SEAT_COUNT.max})`;
    summary.textContent = chosen.length
      ? `${chosen.length} seat${chosen.length > 1 ? "s" : ""}${limit}: ${chosen.map((s) => s.seat_id).join(", ")}. Total ${money(total, currency)}`
      : `No seat selected${limit}. Pick seats on the map.`;
    holdButton.disabled = chosen.length === 0 || hold !== null || busy;
  }

  function toggle(id: string): void {
    if (selected.has(id)) selected.delete(id);
    else if (selected.size >= SEAT_COUNT.max) {
      say(`One booking takes at most ${SEAT_COUNT.max} seats.`, "info");
      return;
    } else selected.add(id);
    paint(seats.get(id)!);
    refreshSummary();
  }

  function update(next: Seat[]): void {
    const lost: string[] = [];
    for (const seat of next) {
      seats.set(seat.seat_id, seat);
      if (selected.has(seat.seat_id) && seat.state !== "available" && hold === null) {
        selected.delete(seat.seat_id);
        lost.push(seat.seat_id);
      }
      if (buttons.has(seat.seat_id)) paint(seat);
    }
    refreshSummary();
    if (lost.length) say(`Seat ${lost.join(", ")} was just taken by someone else. Pick another seat.`, "error");
  }

  async function poll(): Promise<void> {
    if (document.hidden) return;
    try {
      update((await api.seatMap(showtimeId)).seats);
    } catch {
      // the next poll tries again; a call the person makes reports the error
    }
  }

  function restart(): void {
    hold = null;
    busy = false;
    selected.clear();
    checkout.hidden = true;
    checkout.replaceChildren();
    quiet();
    void poll();
    refreshSummary();
    grid.querySelector<HTMLButtonElement>("button.seat:not(:disabled)")?.focus();
  }
  const again: [string, () => void] = ["Choose seats again", restart];

  async function placeHold(key: string): Promise<void> {
    if (!api.loggedIn()) return goLogIn([...selected]);
    busy = true;
    refreshSummary();
    quiet();
    try {
      const result = await createBooking(showtimeId, [...selected], key);
      busy = false;
      if (result.booking && !result.error) return startCheckout(result.booking);
      const error = result.error!;
      if (error.code === "SEATS_UNAVAILABLE") {
        const taken = error.seatIds ?? [];
        for (const id of taken) selected.delete(id);
        await poll();
        const rest = selected.size ? " Your other seats are still selected." : "";
        return say(`Sorry, seat ${taken.join(", ")} was just taken by someone else.${rest} Pick another seat.`, "error");
      }
      say(error.message, "error", again);
    } catch (error) {
      busy = false;
      refreshSummary();
      if (error instanceof ApiError && (error.network || error.status >= 500 || error.status === 429))
        return say(`${error.message}`, "error", ["Try again", () => void placeHold(key)]);
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return goLogIn([...selected]);
      say(error instanceof Error ? error.message : String(error), "error");
    }
  }

  function startCheckout(booking: Booking): void {
    hold = booking;
    for (const seat of seats.values()) paint(seat);
    refreshSummary();
    const countdown = h("p", { id: "countdown", role: "timer", "aria-live": "off" });
    const card = h("select", { id: "card" }, ...TEST_CARDS.map(([token, label]) => h("option", { value: token }, label)));
    const pay = h("button", { id: "pay", type: "button", class: "primary" }, `Pay ${money(booking.total.amount, booking.total.currency)}`);
    const release = h("button", { id: "release", type: "button" }, "Release seats");
    const expires = Date.parse(booking.holdExpiresAt);
    const tick = () => {
      const left = Math.max(0, Math.round((expires - Date.now()) / 1000));
      countdown.textContent = `Seats held for you: ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left to pay.`;
      if (left === 0 && hold?.id === booking.id && !busy) expired();
    };
    const clock = window.setInterval(tick, 1000);
    timers.push(clock);
    tick();
    const stopClock = () => window.clearInterval(clock);

    const expired = () => {
      stopClock();
      checkout.hidden = true;
      say("Your hold expired and the seats were released. Nothing was charged.", "error", again);
    };

    const settle = async (token: string, deadline: number): Promise<void> => {
      let result: Payload;
      try {
        result = await confirmBooking(booking.id, token);
      } catch (error) {
        busy = false;
        pay.disabled = release.disabled = false;
        const text = error instanceof Error ? error.message : String(error);
        return say(
          `${text} We could not learn whether the payment went through; checking again never charges twice.`,
          "error",
          ["Check again", () => void confirm()],
        );
      }
      const { booking: done, error } = result;
      if (error?.code === "IN_PROGRESS" || (!error && done?.status === "CONFIRMING")) {
        if (Date.now() < deadline) {
          await new Promise((resolve) => window.setTimeout(resolve, 1000));
          return settle(token, deadline);
        }
      }
      busy = false;
      stopClock();
      if (done?.status === "CONFIRMED" && !error) return confirmed(done);
      checkout.hidden = true;
      if (error?.code === "PAYMENT_DECLINED")
        return say(`Payment declined: ${error.message} Nothing was charged and your seats were released.`, "error", again);
      if (error?.code === "BOOKING_EXPIRED") return expired();
      say(error?.message ?? `The booking is ${done?.status ?? "in an unknown state"}.`, "error", again);
    };
    const confirm = () => {
      busy = true;
      pay.disabled = release.disabled = true;
      quiet();
      pay.textContent = "Paying…";
      return settle(card.value, Date.now() + 30_000).finally(() => {
        pay.textContent = `Pay ${money(booking.total.amount, booking.total.currency)}`;
      });
    };
    pay.addEventListener("click", () => void confirm());
    release.addEventListener("click", async () => {
      release.disabled = true;
      try {
        await cancelBooking(booking.id);
        stopClock();
        restart();
      } catch (error) {
        release.disabled = false;
        say(error instanceof Error ? error.message : String(error), "error");
      }
    });
    checkout.replaceChildren(
      h("h2", {}, "Pay"),
      h("p", {}, `Seats ${booking.seatIds.join(", ")}: ${money(booking.total.amount, booking.total.currency)}`),
      countdown,
      h("label", { for: "card" }, "Test card "),
      card,
      h("div", { class: "actions" }, pay, release),
    );
    checkout.hidden = false;
    card.focus();
  }

  function confirmed(booking: Booking): void {
    stop();
    root.replaceChildren(
      h(
        "section",
        { id: "confirmation", class: "card" },
        h("h1", {}, "Booking confirmed"),
        h("p", {}, `${movie?.title ?? "Showtime"}, ${dateTime(showtime.starts_at)}`),
        h("p", {}, `Seats ${booking.seatIds.join(", ")}. Paid ${money(booking.total.amount, booking.total.currency)}.`),
        h("p", { class: "small" }, `Booking ${booking.id}. A confirmation message is on its way.`),
        h("a", { href: "#/bookings", class: "button" }, "My bookings"),
      ),
    );
    root.focus();
  }

  const rows = new Map<string, Seat[]>();
  for (const seat of first.seats) rows.set(seat.row, [...(rows.get(seat.row) ?? []), seat]);
  for (const [row, list] of rows) {
    const rowSeats = list.map((seat) => {
      const button = h("button", { type: "button", "data-seat": seat.seat_id, onclick: () => toggle(seat.seat_id) }, String(seat.number));
      buttons.set(seat.seat_id, button);
      return button;
    });
    grid.append(h("div", { class: "row", role: "group", "aria-label": `Row ${row}` }, h("span", { class: "row-label", "aria-hidden": "true" }, row), rowSeats));
  }
  const tiers = new Map<Seat["kind"], number>();
  for (const seat of first.seats) tiers.set(seat.kind, seat.price_minor);
  const legend = h(
    "ul",
    { class: "legend", "aria-label": "Legend" },
    [...tiers].map(([kind, price]) => h("li", {}, h("span", { class: `swatch seat ${kind} available` }), `${KIND_NAMES[kind]} ${money(price, currency)}`)),
    h("li", {}, h("span", { class: "swatch seat selected" }), "Selected"),
    h("li", {}, h("span", { class: "swatch seat held" }), "Held"),
    h("li", {}, h("span", { class: "swatch seat sold" }), "Sold"),
  );
  holdButton.addEventListener("click", () => void placeHold(newKey()));
  // The map first; the movie's title and the cinema's name fill in when they come.
  const title = h("h1", {}, `Showtime ${showtimeId}`);
  const place = h("p", { class: "small" }, `${dateTime(showtime.starts_at)} · hall ${showtime.hall_id}`);
  void api
    .movie(showtime.movie_id)
    .then((found) => {
      movie = found;
      title.textContent = found.title;
    })
    .catch(() => undefined);
  void api
    .cinemas()
    .then((page) => {
      const cinema = page.items.find((c) => c.id === showtime.cinema_id);
      if (cinema) place.textContent = `${dateTime(showtime.starts_at)} · ${cinema.name}`;
    })
    .catch(() => undefined);
  root.replaceChildren(
    title,
    place,
    legend,
    h("div", { class: "screen", "aria-hidden": "true" }, "Screen"),
    h("div", { class: "hall" }, grid),
    message,
    h("div", { class: "actions" }, summary, holdButton),
    checkout,
  );
  message.hidden = true;
  for (const seat of seats.values()) paint(seat);
  refreshSummary();
  performance.mark("seatmap-drawn");
  timers.push(window.setInterval(() => void poll(), POLL_MS));
  return stop;
}
