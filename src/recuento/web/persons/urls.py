"""URLs of the persons app (namespace ``persons``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "persons"

urlpatterns: list[URLPattern | URLResolver] = []
