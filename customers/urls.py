from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("<int:pk>/reveal-contact/", views.contact_reveal_view, name="reveal-contact"),
]
