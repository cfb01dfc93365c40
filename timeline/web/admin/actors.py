"""Admin pages: actors."""
