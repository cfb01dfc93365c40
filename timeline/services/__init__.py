"""Queries and writes: functions that take a session and know nothing of requests."""
