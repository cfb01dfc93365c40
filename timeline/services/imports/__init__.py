"""Importing files of actors and events: parse, check every record, write in one
transaction, and the editors' upload with its preview."""
