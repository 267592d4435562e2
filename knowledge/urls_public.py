"""The public help centre (帮助中心) under /help/: no login; only published public articles."""

from django.urls import URLPattern, URLResolver

app_name = "helpcentre"

urlpatterns: list[URLPattern | URLResolver] = []
