"""The public help centre (帮助中心) under /help/: no login; only published public articles.

/help/request/ (a buyer opens a request) belongs to the request slice (``views_request``)."""

from django.urls import URLPattern, URLResolver, path

from . import views_public as views
from . import views_request

app_name = "helpcentre"

urlpatterns: list[URLPattern | URLResolver] = [
    # A buyer who found no answer opens a request (issue 16, point 5; views_request).
    path("request/", views_request.help_request_view, name="request"),
    path("", views.home_view, name="home"),
    path("search/", views.search_view, name="search"),
    path("c/<slug:slug>/", views.category_view, name="category"),
    path("a/<slug:slug>/", views.article_view, name="article"),
    path("a/<slug:slug>/feedback/", views.feedback_view, name="feedback"),
]
