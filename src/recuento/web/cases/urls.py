"""URLs of the cases app (namespace ``cases``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = []
