"""Registry: the lists (sources) a team brings in, with their provenance and rejects."""
