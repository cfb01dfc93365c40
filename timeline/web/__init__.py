"""The web layer: HTML pages, the JSON API, and what they share."""
