"""URLs of the registry app (namespace ``registry``)."""

from __future__ import annotations

from django.urls import path

from recuento.web.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.source_list, name="sources"),
    path("index.json", views.source_list, {"fmt": "json"}, name="sources_json"),
    path("upload/", views.upload, name="upload"),
    path("upload/mapping/", views.upload_mapping, name="upload_mapping"),
    path("<int:pk>/", views.source_detail, name="source"),
    path("<int:pk>.json", views.source_detail, {"fmt": "json"}, name="source_json"),
    path("<int:pk>/mapping/", views.mapping, name="mapping"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
