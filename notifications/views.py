from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

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
    ids = [int(value) for value in raw_ids if value.isdigit() and len(value) <= 18] if raw_ids else None
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
