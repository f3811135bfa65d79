"""Booking service: GraphQL API over the booking saga (seat holds, payment, confirmation)."""
