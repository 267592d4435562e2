"""The replies API under /api/v1/: each topic module keeps its own patterns."""

from django.urls import URLPattern, URLResolver

from . import canned, wording

urlpatterns: list[URLPattern | URLResolver] = [*canned.urlpatterns, *wording.urlpatterns]
