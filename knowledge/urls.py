"""Staff pages of the knowledge base under /kb/."""

from django.urls import URLPattern, URLResolver, path

from . import views_staff as views

app_name = "knowledge"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.article_list_view, name="list"),
    path("new/", views.article_create_view, name="create"),
    path("preview/", views.preview_view, name="preview"),
    path("picker/", views.picker_view, name="picker"),
    path("articles/<id:pk>/", views.article_detail_view, name="detail"),
    path("articles/<id:pk>/edit/", views.article_edit_view, name="edit"),
    path("articles/<id:pk>/status/", views.article_status_view, name="status"),
    path("articles/<id:pk>/versions/", views.version_list_view, name="versions"),
    path("versions/<id:pk>/", views.version_detail_view, name="version"),
    path("categories/", views.category_list_view, name="categories"),
    path("categories/<id:pk>/", views.category_edit_view, name="category"),
    path("categories/<id:pk>/delete/", views.category_delete_view, name="category-delete"),
    path("from-ticket/<id:ticket_pk>/", views.article_from_ticket_view, name="from-ticket"),
]
