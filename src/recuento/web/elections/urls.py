"""URLs of the elections app (namespace ``elections``)."""

from __future__ import annotations

from django.urls import path

from recuento.web.elections import views

app_name = "elections"

urlpatterns = [
    # Coordinators (manage_elections).
    path("", views.election_list, name="elections"),
    path("new/", views.election_new, name="new"),
    path("<int:pk>/", views.election_detail, name="election"),
    path("<int:pk>/edit/", views.election_edit, name="edit"),
    path("<int:pk>/electorate/", views.electorate, name="electorate"),
    path("<int:pk>/codes/", views.codes, name="codes"),
    path("<int:pk>/close/", views.close, name="close"),
    # Public: voting, the ballot list with receipts, the result and its files.
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/ballots/", views.ballots, name="ballots"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.json", views.results_json, name="results_json"),
    path("<int:pk>/ballots.blt", views.blt, name="blt"),
]
