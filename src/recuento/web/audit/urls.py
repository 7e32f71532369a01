"""URLs of the audit app (namespace ``audit``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from recuento.web.audit import views

app_name = "audit"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.log_page, name="log"),
    path("log.json", views.log_page, {"fmt": "json"}, name="log_json"),
    path("export.csv", views.export_csv, name="export"),
]
