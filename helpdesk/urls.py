from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularSwaggerView

from tickets.views import tracking_view

from .health import healthz
from .schema_view import SchemaApi

api_v1: list[URLPattern | URLResolver] = [
    path("", include("accounts.api.urls")),
    path("schema/", SchemaApi.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("tickets.api.urls")),
    path("", include("customers.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("aftersales.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("track/<str:token>/", tracking_view, name="tracking"),
    path("notifications/", include("notifications.urls")),
    path("customers/", include("customers.urls")),
    path("complaints/", include("complaints.urls")),
    path("aftersales/", include("aftersales.urls")),
    path("survey/", include("surveys.urls")),
    path("reports/", include("reports.urls")),
    path("", include("tickets.urls")),
]

handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
