"""Reading lists of people: formats, column mapping, validation and rejects."""
