"""The GraphQL documents the booking integration tests send."""

BOOKING_FIELDS = (
    "id status seatIds showtimeId paymentId holdExpiresAt total { amount currency } history { status }"
)
CREATE = f"""mutation($s: ID!, $seats: [ID!]!, $k: String!) {{
  createBooking(showtimeId: $s, seatIds: $seats, idempotencyKey: $k) {{
    booking {{ {BOOKING_FIELDS} }} error {{ code message seatIds }} }} }}"""
CONFIRM = f"""mutation($b: ID!, $t: String!) {{
  confirmBooking(bookingId: $b, paymentToken: $t) {{
    booking {{ {BOOKING_FIELDS} }} error {{ code message }} }} }}"""
CANCEL = f"""mutation($b: ID!) {{
  cancelBooking(id: $b) {{ booking {{ {BOOKING_FIELDS} }} error {{ code message }} }} }}"""
SEAT_MAP = "query($s: ID!) { seatMap(showtimeId: $s) { seats { id state } } }"
