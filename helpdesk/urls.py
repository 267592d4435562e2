import base64
import hashlib

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView

from core.errors import server_error
from tickets.views_attachments import attachment_download_view
from tickets.views_tracking import tracking_file_view, tracking_view

from .health import healthz
from .schema_view import SchemaApi

# Swagger UI (drf-spectacular-sidecar, served from our static files) styles its widgets with style attributes and
# an inline <style>, and draws icons as data: images; its start-up script comes from its own URL (the "split"
# view), so scripts stay 'self' only. Every other page keeps the strict policy (settings.CONTENT_SECURITY_POLICY).
api_docs = csp_update(
    {"style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:"]}, REPORT_ONLY=settings.HELPDESK_CSP_REPORT_ONLY
)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))


def _inline_style_hash(template: str) -> str:
    """The CSP source ('sha256-…') that allows exactly the <style> block of one of our templates."""
    text = (settings.BASE_DIR / "templates" / template).read_text()
    style = text.split("<style>", 1)[1].split("</style>", 1)[0]
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


# The 500 page carries its own styles, so it looks right even when static files are what broke; the CSP allows
# that one block by its hash, on that page only.
server_error_page = csp_update(
    {"style-src": [SELF, _inline_style_hash("500.html")]}, REPORT_ONLY=settings.HELPDESK_CSP_REPORT_ONLY
)(server_error)

# The admin site under the product's name (Django's default is "Django administration"), in the reader's language.
admin.site.site_header = _("Helpdesk administration")
admin.site.site_title = _("Helpdesk administration")

api_v1: list[URLPattern | URLResolver] = [
    path("", include("accounts.api.urls")),
    path("schema/", SchemaApi.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
    path("", include("tickets.api.urls")),
    path("", include("customers.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("aftersales.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("workforce.api.urls")),
    path("", include("replies.api.urls")),
    path("", include("knowledge.api.urls")),
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
    path("track/<str:token>/files/<id:attachment_id>/", tracking_file_view, name="tracking-file"),
    # A webhook's signed, expiring download link (tickets.attachment_links): no login.
    path("files/<str:token>/", attachment_download_view, name="attachment-download"),
    path("notifications/", include("notifications.urls")),
    path("customers/", include("customers.urls")),
    path("complaints/", include("complaints.urls")),
    path("aftersales/", include("aftersales.urls")),
    path("survey/", include("surveys.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("work/", include("workforce.urls")),
    path("replies/", include("replies.urls")),
    path("kb/", include("knowledge.urls")),
    path("help/", include("knowledge.urls_public")),
    path("", include("tickets.urls")),
]

handler404 = "core.errors.page_not_found"
handler500 = server_error_page
