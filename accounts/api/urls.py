from django.urls import path

from .views import TokenCreateApi

urlpatterns = [
    path("auth/token/", TokenCreateApi.as_view(), name="api-token"),
]
