"""The knowledge API under /api/v1/."""

from django.urls import URLPattern, URLResolver

from . import articles

urlpatterns: list[URLPattern | URLResolver] = [*articles.urlpatterns]
