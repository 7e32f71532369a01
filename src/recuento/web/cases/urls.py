"""URLs of the cases app (namespace ``cases``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from recuento.web.cases.views import candidates, cases, exchange, public, remains

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", cases.case_list, name="cases"),
    path("new/", cases.case_new, name="case_new"),
    path("missing.csv", exchange.case_export, name="case_export"),
    path("import/", exchange.case_import, name="case_import"),
    path("<int:pk>/", cases.case_detail, name="case"),
    path("<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("<int:pk>/people/", cases.case_people, name="case_people"),
    path("<int:pk>/consent/", cases.case_consent, name="case_consent"),
    path("<int:pk>/authorities/", cases.case_authorities, name="case_authorities"),
    path("<int:pk>/status/", cases.case_status, name="case_status"),
    path("<int:pk>/marks/", cases.mark_add, name="mark_add"),
    path("<int:pk>/clothing/", cases.garment_add, name="garment_add"),
    path("<int:pk>/photos/", cases.photo_add, name="photo_add"),
    path("<int:pk>/<str:kind>/<int:item>/delete/", cases.item_delete, name="item_delete"),
    path("photos/<int:pk>/", cases.photo, name="photo"),
    path("<int:pk>/posters/", cases.poster_publish, name="poster_publish"),
    path("<int:pk>/posters/revoke/", cases.poster_revoke, name="poster_revoke"),
    path("<int:pk>/posters/<str:folio>.json", cases.poster_json, name="poster_json"),
    path("<int:pk>/posters/<str:folio>.pdf", cases.poster_file, {"fmt": "pdf"}, name="poster_pdf"),
    path("<int:pk>/posters/<str:folio>.png", cases.poster_file, {"fmt": "png"}, name="poster_png"),
    path(
        "<int:pk>/candidates/<int:cid>/review/",
        candidates.candidate_review,
        name="candidate_review",
    ),
    path(
        "<int:pk>/candidates/<int:cid>/confirm/",
        candidates.candidate_confirm,
        name="candidate_confirm",
    ),
    path(
        "<int:pk>/candidates/<int:cid>/release/",
        candidates.candidate_release,
        name="candidate_release",
    ),
    path("family/", candidates.family_home, name="family"),
    path("family/<int:pk>/", candidates.family_case, name="family_case"),
    path("remains/", remains.remains_list, name="remains_list"),
    path("remains/new/", remains.remains_new, name="remains_new"),
    path("remains/import/", remains.remains_import, name="remains_import"),
    path("remains/<int:pk>/", remains.remains_detail, name="remains"),
    path("remains/<int:pk>/edit/", remains.remains_edit, name="remains_edit"),
    path("remains/<int:pk>/tiers/", remains.remains_tiers, name="remains_tiers"),
    path("remains/<int:pk>/photos/", remains.remains_photo_add, name="remains_photo_add"),
    path("tips/", public.tips, name="tips"),
    path("v/<str:folio>/<str:sig>/", public.verify, name="verify"),
    path("v/<str:folio>/<str:sig>/tip/", public.tip, name="tip"),
]
