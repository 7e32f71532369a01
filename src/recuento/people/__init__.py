"""Standardising people: names, nicknames, phonetic keys, dates, ages, sex and places."""
