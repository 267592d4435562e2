from django.urls import URLPattern, URLResolver, path

from .views import wording

app_name = "replies"

urlpatterns: list[URLPattern | URLResolver] = [
    # --- wording checks (issue 16 point 6) ---
    path("wording/", wording.wording_list_view, name="wording-list"),
    path("wording/new/", wording.wording_create_view, name="wording-create"),
    path("wording/<id:pk>/", wording.wording_edit_view, name="wording-edit"),
    path("wording/<id:pk>/delete/", wording.wording_delete_view, name="wording-delete"),
    path("wording/check/<id:pk>/", wording.wording_check_view, name="wording-check"),
    # --- end wording checks ---
]
