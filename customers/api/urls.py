from django.urls import path

from . import views

urlpatterns = [
    path("customers/", views.CustomerListApi.as_view(), name="customer-list"),
    path("customers/<int:pk>/", views.CustomerDetailApi.as_view(), name="customer-detail"),
    path("customers/<int:pk>/links/", views.CustomerLinksApi.as_view(), name="customer-links"),
    path(
        "customers/<int:pk>/reveal-contact/", views.CustomerContactRevealApi.as_view(), name="customer-reveal-contact"
    ),
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("orders/bulk/", views.OrderBulkSyncApi.as_view(), name="order-bulk-sync"),
    path("orders/<int:pk>/", views.OrderDetailApi.as_view(), name="order-detail"),
]
