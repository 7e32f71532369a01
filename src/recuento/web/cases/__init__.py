"""Find: missing-person cases (fichas), posters, remains, candidate matches and tips."""
