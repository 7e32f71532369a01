"""URLs of the roll app (namespace ``roll``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from recuento.web.roll.views import eligibility, hearings, members, public

app_name = "roll"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", members.member_list, name="members"),
    path("members/<int:pk>/", members.member_detail, name="member"),
    path("members/<int:pk>/status/", members.member_status, name="member_status"),
    path("members/<int:pk>/notify/", eligibility.notify_member, name="notify"),
    path("members/<int:pk>/hearing/", hearings.open_hearing, name="open_hearing"),
    path("import/", members.roll_import, name="import"),
    path("counts/", members.counts, name="counts"),
    path("counts.json", members.counts, {"fmt": "json"}, name="counts_json"),
    path("eligibility/", eligibility.eligibility, name="eligibility"),
    path("eligibility/<int:pk>/", eligibility.check_detail, name="check"),
    path("hearings/", hearings.hearing_list, name="hearings"),
    path("hearings/<int:pk>/", hearings.hearing_detail, name="hearing"),
    path("answer/<str:token>/", public.answer, name="answer"),
]
