from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/endpoints/", views.WebhookEndpointListCreateApi.as_view(), name="webhook-endpoint-list"),
    path("webhooks/endpoints/<id:pk>/", views.WebhookEndpointDetailApi.as_view(), name="webhook-endpoint-detail"),
    path(
        "webhooks/endpoints/<id:pk>/rotate-secret/",
        views.WebhookEndpointRotateSecretApi.as_view(),
        name="webhook-endpoint-rotate-secret",
    ),
    path("webhooks/endpoints/<id:pk>/ping/", views.WebhookEndpointPingApi.as_view(), name="webhook-endpoint-ping"),
    path("webhooks/deliveries/", views.WebhookDeliveryListApi.as_view(), name="webhook-delivery-list"),
    path("webhooks/deliveries/<id:pk>/", views.WebhookDeliveryDetailApi.as_view(), name="webhook-delivery-detail"),
    path(
        "webhooks/deliveries/<id:pk>/redeliver/",
        views.WebhookDeliveryRedeliverApi.as_view(),
        name="webhook-delivery-redeliver",
    ),
]
