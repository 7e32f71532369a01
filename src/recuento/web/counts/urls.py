"""URLs of the counts app (namespace ``counts``)."""

from __future__ import annotations

from django.urls import path

from recuento.web.counts import views

app_name = "counts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("index.json", views.dashboard, {"fmt": "json"}, name="dashboard_json"),
    path("<int:run>/report.html", views.report, name="report"),
]
