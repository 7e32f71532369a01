"""The counts dashboard: documented and estimated totals, per stratum, the report."""
