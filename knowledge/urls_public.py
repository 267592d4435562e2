"""The public help centre (帮助中心) under /help/: no login; only published public articles."""

from django.urls import URLPattern, URLResolver, path

from . import views_request

app_name = "helpcentre"

urlpatterns: list[URLPattern | URLResolver] = [
    # A buyer who found no answer opens a request (issue 16, point 5; views_request).
    path("request/", views_request.help_request_view, name="request"),
]
