"""The roll's pages: members, counts, eligibility, notices, hearings, the public answer."""
