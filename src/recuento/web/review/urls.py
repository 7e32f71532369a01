"""URLs of the review app (namespace ``review``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from recuento.web.review import views

app_name = "review"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("index.json", views.queue, {"fmt": "json"}, name="queue_json"),
    path("<int:pk>/", views.pair_detail, name="pair"),
    path("<int:pk>.json", views.pair_detail, {"fmt": "json"}, name="pair_json"),
    path("<int:pk>/decide/", views.decide_pair, name="decide"),
]
