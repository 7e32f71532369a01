"""URLs of the runs app (namespace ``runs``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from recuento.web.runs import views

app_name = "runs"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.run_list, name="runs"),
    path("index.json", views.run_list, {"fmt": "json"}, name="runs_json"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>.json", views.run_detail, {"fmt": "json"}, name="run_json"),
    path("<int:pk>/repeat/", views.repeat, name="repeat"),
    path("<int:pk>/report/", views.report, name="report"),
]
