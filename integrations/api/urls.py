from django.urls import path

from . import views

urlpatterns = [
    path("integrations/", views.IntegrationListCreateApi.as_view(), name="integration-list"),
    path("integrations/me/", views.IntegrationMeApi.as_view(), name="integration-me"),
    path("integrations/<id:pk>/", views.IntegrationDetailApi.as_view(), name="integration-detail"),
    path("integrations/<id:pk>/keys/", views.IntegrationKeyCreateApi.as_view(), name="integration-key-create"),
    path("api-keys/<id:pk>/rotate/", views.ApiKeyRotateApi.as_view(), name="api-key-rotate"),
    path("api-keys/<id:pk>/revoke/", views.ApiKeyRevokeApi.as_view(), name="api-key-revoke"),
]
