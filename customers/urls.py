from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("<int:pk>/", views.customer_profile_view, name="profile"),
    path("<int:pk>/link/", views.customer_link_view, name="link"),
    path("<int:pk>/unlink/", views.customer_unlink_view, name="unlink"),
    path("<int:pk>/reveal-contact/", views.contact_reveal_view, name="reveal-contact"),
]
