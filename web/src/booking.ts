// Booking GraphQL: the documents of operations.graphql and their result types. The types are
// written here; tests/unit/web/test_web_graphql.py checks that each names exactly the fields the
// documents select, with the SDL's types (so a contract change that breaks them fails there).
import documents from "./operations.graphql";
import { graphql } from "./api";

export type BookingStatus =
  | "PENDING"
  | "CONFIRMING"
  | "CONFIRMED"
  | "CANCELLING"
  | "PAYMENT_FAILED"
  | "EXPIRED"
  | "CANCELLED";

export type BookingErrorCode =
  | "SEATS_UNAVAILABLE"
  | "PAYMENT_DECLINED"
  | "BOOKING_EXPIRED"
  | "NOT_FOUND"
  | "INVALID_STATE"
  | "TOO_LATE_TO_CANCEL"
  | "SHOWTIME_STARTED"
  | "IN_PROGRESS";

export interface Money {
  amount: number;
  currency: string;
}

export interface Booking {
  id: string;
  showtimeId: string;
  seatIds: string[];
  status: BookingStatus;
  total: Money;
  holdExpiresAt: string;
  createdAt: string;
}

export interface BookingError {
  code: BookingErrorCode;
  message: string;
  seatIds: string[] | null;
}

export interface Payload {
  booking: Booking | null;
  error: BookingError | null;
}

export const createBooking = async (showtimeId: string, seatIds: string[], idempotencyKey: string) =>
  (
    await graphql<{ createBooking: Payload }>(documents, "CreateBooking", {
      showtimeId,
      seatIds,
      idempotencyKey,
    })
  ).createBooking;

export const confirmBooking = async (bookingId: string, paymentToken: string) =>
  (await graphql<{ confirmBooking: Payload }>(documents, "ConfirmBooking", { bookingId, paymentToken }))
    .confirmBooking;

export const cancelBooking = async (id: string) =>
  (await graphql<{ cancelBooking: Payload }>(documents, "CancelBooking", { id })).cancelBooking;

export const myBookings = async () =>
  (await graphql<{ myBookings: Booking[] }>(documents, "MyBookings", {})).myBookings;
