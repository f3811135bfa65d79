"""User service: accounts, argon2id passwords, RS256 access tokens and rotating refresh tokens."""
