"""Actors: their input contract, lookups and lists, edits with revisions, and merging."""
