"""Keep the roll: members, local groups, statuses and hearings."""
