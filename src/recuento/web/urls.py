"""The site's URLs: one include per app, namespaced ``app:page``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from recuento.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The language switch works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("recuento.web.accounts.urls")),
    path("sources/", include("recuento.web.registry.urls")),
    path("runs/", include("recuento.web.runs.urls")),
    path("review/", include("recuento.web.review.urls")),
    path("persons/", include("recuento.web.persons.urls")),
    path("counts/", include("recuento.web.counts.urls")),
    path("audit/", include("recuento.web.audit.urls")),
    path("cases/", include("recuento.web.cases.urls")),
    path("roll/", include("recuento.web.roll.urls")),
    path("elections/", include("recuento.web.elections.urls")),
]

handler403 = "recuento.web.views.forbidden"
handler404 = "recuento.web.views.not_found"
