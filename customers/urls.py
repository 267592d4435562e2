from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("<id:pk>/", views.customer_profile_view, name="profile"),
    path("<id:pk>/tickets/", views.customer_tickets_view, name="tickets"),
    path("<id:pk>/orders/", views.customer_orders_view, name="orders"),
    path("<id:pk>/link/", views.customer_link_view, name="link"),
    path("<id:pk>/unlink/", views.customer_unlink_view, name="unlink"),
    path("<id:pk>/reveal-contact/", views.contact_reveal_view, name="reveal-contact"),
]
