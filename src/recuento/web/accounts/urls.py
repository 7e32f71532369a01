"""URLs of the accounts app (namespace ``accounts``)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from recuento.web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.profile, name="profile"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
]
