"""Accounts: users with hashed passwords and rate-limited logins, and their API tokens."""
