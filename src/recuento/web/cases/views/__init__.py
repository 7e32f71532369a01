"""Pages of the cases app: one module per resource (cases, remains, candidates, public)."""
