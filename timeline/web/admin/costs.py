"""Admin pages: costs."""
