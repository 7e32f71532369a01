"""Accounts: users, roles (Django groups) and named permissions, two-factor login (TOTP)."""
