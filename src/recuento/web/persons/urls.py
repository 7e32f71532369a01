"""URLs of the persons app (namespace ``persons``)."""

from __future__ import annotations

from django.urls import path

from recuento.web.persons import views

app_name = "persons"

urlpatterns = [
    path("", views.search, name="search"),
    path("search.json", views.search, {"fmt": "json"}, name="search_json"),
    path("record/<int:pk>/", views.record_detail, name="record"),
    path("record/<int:pk>.json", views.record_detail, {"fmt": "json"}, name="record_json"),
    path(
        "<int:run>/<str:person_id>.json", views.person_detail, {"fmt": "json"}, name="person_json"
    ),
    path("<int:run>/<str:person_id>/", views.person_detail, name="person"),
]
