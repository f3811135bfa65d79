"""Payment service: idempotent charges and refunds against a simulated card processor."""
