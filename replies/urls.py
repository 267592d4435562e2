from django.urls import URLPattern, URLResolver

app_name = "replies"

urlpatterns: list[URLPattern | URLResolver] = []
