"""Pieces every CineMesh service shares: settings base, JWT verification, problem+json, MongoDB, outbox."""
