"""Linkage runs: background tasks that link the sources and count, and their results."""
