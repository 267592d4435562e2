from django.urls import path

from . import views

urlpatterns = [
    path(
        "customers/<int:pk>/reveal-contact/", views.CustomerContactRevealApi.as_view(), name="customer-reveal-contact"
    ),
]
