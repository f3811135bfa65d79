"""Notification worker: turns domain events into (simulated) emails and SMS, exactly once."""
