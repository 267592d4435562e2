from django.urls import URLPattern, URLResolver, path

from .views import canned, manage

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
]
