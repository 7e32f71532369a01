"""Ballots: elections, electorates, single-use codes, receipts and published counts."""
