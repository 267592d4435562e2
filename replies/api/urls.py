"""The replies API under /api/v1/: each topic module keeps its own patterns."""

from django.urls import URLPattern, URLResolver

from . import wording

urlpatterns: list[URLPattern | URLResolver] = [*wording.urlpatterns]
