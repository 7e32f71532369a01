"""URLs of the elections app (namespace ``elections``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "elections"

urlpatterns: list[URLPattern | URLResolver] = []
