"""Signals the login form sends for refusals that Django's own signals do not cover.

Django sends ``user_login_failed`` only when a password does not match. The login form
also refuses a wrong or missing authenticator code and every attempt on a username that
is locked out, and it locks a username out; it announces these here, so that the audit
app can record them without the accounts app knowing about the audit log.
"""

from __future__ import annotations

from django.dispatch import Signal

#: A login was refused after the password was checked or without checking it.
#: Arguments: ``request`` (may be None), ``username`` (as typed), ``reason``
#: (``"code"``: wrong or missing authenticator code; ``"locked_out"``: the username is
#: locked out, the password was not checked).
login_refused = Signal()

#: A username has just been locked out after too many failed logins.
#: Arguments: ``request`` (may be None), ``username`` (as typed), ``failures`` (how
#: many), ``seconds`` (how long the lockout lasts).
login_locked_out = Signal()
