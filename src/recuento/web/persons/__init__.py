"""Persons: search, and a person's records from every source."""
