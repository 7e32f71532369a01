"""The recuento web site: a Django project, one app per domain.

The engine (``recuento.lists``, ``recuento.link``...) never imports Django; this package
calls the engine. Django and the site's other dependencies are the ``web`` extra, so that
``import recuento`` works without them: :func:`require_django` says what to install.
"""

from __future__ import annotations

SETTINGS_MODULE = "recuento.web.settings"


def require_django() -> None:
    """Raise an ImportError that says what to install when the site's dependencies are absent.

    Raises:
        ImportError: Django, django-otp or waitress is not installed.
    """
    missing = []
    for module, package in (("django", "django"), ("django_otp", "django-otp")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        raise ImportError(
            f"the recuento web site needs {' and '.join(missing)}, not installed here; "
            "install the web extra with: pip install 'recuento[web]'"
        )
