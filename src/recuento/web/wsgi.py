"""The WSGI application: ``recuento.web.wsgi:application`` (``recuento serve`` uses it)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recuento.web.settings")

application = get_wsgi_application()
