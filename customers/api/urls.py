from django.urls import path

from . import views

urlpatterns = [
    path("customers/", views.CustomerListApi.as_view(), name="customer-list"),
    path("customers/<id:pk>/", views.CustomerDetailApi.as_view(), name="customer-detail"),
    path("customers/<id:pk>/links/", views.CustomerLinksApi.as_view(), name="customer-links"),
    path("customers/<id:pk>/reveal-contact/", views.CustomerContactRevealApi.as_view(), name="customer-reveal-contact"),
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("orders/bulk/", views.OrderBulkSyncApi.as_view(), name="order-bulk-sync"),
    path("orders/<id:pk>/", views.OrderDetailApi.as_view(), name="order-detail"),
]
