"""Admin pages: events."""
