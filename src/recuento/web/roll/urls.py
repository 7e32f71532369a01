"""URLs of the roll app (namespace ``roll``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "roll"

urlpatterns: list[URLPattern | URLResolver] = []
