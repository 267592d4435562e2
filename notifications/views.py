from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.services import user_set_notification_preferences
from core.errors import error_body
from core.integers import parse_id

from . import live
from .forms import NotificationSettingsForm
from .models import Notification
from .selectors import notification_list
from .services import notifications_mark_read


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notification_list(user=request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_mark_read_view(request: HttpRequest) -> HttpResponse:
    raw_ids = request.POST.getlist("id")
    # Ids that are not (64-bit) numbers cannot be anyone's notification: ignore them.
    ids = [number for number in map(parse_id, raw_ids) if number is not None] if raw_ids else None
    notifications_mark_read(user=request.user, ids=ids)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("notifications:list")


@login_required
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link; opening it marks it read (idempotent, so a GET is fine)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list")


def _not_authenticated() -> JsonResponse:
    # Fetched by scripts, not navigated to: a redirect to the login page would be useless to them.
    return JsonResponse(error_body("not_authenticated", _("Please log in.")), status=401)


@require_GET
async def notification_stream_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events for the bell (see ``notifications.live``). Resumes after ``Last-Event-ID`` (sent by a
    reconnecting EventSource) or ``?after=`` (the newest id the page showed)."""
    user = await request.auser()
    if not user.is_authenticated:
        return _not_authenticated()
    after_id = live.parse_id(request.headers.get("Last-Event-ID"))
    if after_id is None:
        after_id = live.parse_id(request.GET.get("after"))
    language = translation.get_language()
    cursor = await sync_to_async(live.cursor_open)(user_id=user.pk, after_id=after_id)
    response: HttpResponse | StreamingHttpResponse
    if isinstance(request, ASGIRequest):
        response = StreamingHttpResponse(
            live.event_stream(cursor=cursor, language=language), content_type="text/event-stream"
        )
    else:
        # A WSGI server would hold a worker thread for the stream's whole life: answer at once instead.
        body = await live.single_event(cursor=cursor, language=language)
        response = HttpResponse(body, content_type="text/event-stream")
    add_never_cache_headers(response)
    response["X-Accel-Buffering"] = "no"  # tell a proxy (nginx) not to buffer the stream
    return response


@require_GET
def notification_summary_view(request: HttpRequest) -> HttpResponse:
    """The bell's state as JSON, for browsers that cannot keep the stream open (polled every 20 s)."""
    if not request.user.is_authenticated:
        return _not_authenticated()
    payload = live.summary_payload(
        user=request.user, after_id=live.parse_id(request.GET.get("after")), language=translation.get_language()
    )
    response = JsonResponse(payload)
    add_never_cache_headers(response)
    return response


@login_required
def notification_settings_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            user_set_notification_preferences(user=user, notify_by_email=form.cleaned_data["notify_by_email"])  # type: ignore[arg-type]
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:settings")
    else:
        form = NotificationSettingsForm(initial={"notify_by_email": user.notify_by_email})  # type: ignore[union-attr]
    return render(request, "notifications/settings.html", {"form": form})
