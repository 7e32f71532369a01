"""URLs of the counts app (namespace ``counts``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "counts"

urlpatterns: list[URLPattern | URLResolver] = []
