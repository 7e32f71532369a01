"""The append-only, hash-chained audit log of every view and change of a person or record."""
