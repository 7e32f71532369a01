"""Multiple systems estimation: how many people no list counted."""
