from django.urls import URLPattern, URLResolver, path

from .views import canned, manage, wording

app_name = "replies"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", manage.reply_list_view, name="list"),
    path("new/", manage.reply_create_view, name="create"),
    path("<id:pk>/edit/", manage.reply_edit_view, name="edit"),
    path("<id:pk>/delete/", manage.reply_delete_view, name="delete"),
    path("folders/", manage.folder_create_view, name="folder-create"),
    path("folders/<id:pk>/delete/", manage.folder_delete_view, name="folder-delete"),
    path("export/", manage.reply_export_view, name="export"),
    path("import/", manage.reply_import_view, name="import"),
    path("picker/", canned.picker_search_view, name="picker-search"),
    path("picker/insert/<id:ticket_pk>/", canned.picker_insert_view, name="picker-insert"),
    # --- wording checks (issue 16 point 6) ---
    path("wording/", wording.wording_list_view, name="wording-list"),
    path("wording/new/", wording.wording_create_view, name="wording-create"),
    path("wording/<id:pk>/", wording.wording_edit_view, name="wording-edit"),
    path("wording/<id:pk>/delete/", wording.wording_delete_view, name="wording-delete"),
    path("wording/check/<id:pk>/", wording.wording_check_view, name="wording-check"),
    # --- end wording checks ---
]
