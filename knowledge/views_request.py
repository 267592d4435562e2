"""The help centre's request page (/help/request/): a buyer who found no answer opens a request themselves,
without an account, and gets their private tracking link.

Protected like every public form: CSRF, a honeypot field, a per-address limit (``HELP_REQUESTS_PER_HOUR``
submissions an hour, then 429; the ownership check cannot be guessed at speed), files checked by content.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.client_ip import client_ip
from core.errors import ApplicationError
from core.forms import form_add_error
from integrations import ratelimit
from tickets.services.attachments import attachments_check
from tickets.tracking import tracking_url

from .forms_request import HelpRequestForm
from .services.request import help_request_submit

WINDOW_SECONDS = 3600
TEMPLATE = "knowledge/help_request.html"


def help_request_view(request: HttpRequest) -> HttpResponse:
    form = HelpRequestForm(request.POST or None)
    context = {
        "form": form,
        "max_files": settings.ATTACHMENT_MAX_PER_MESSAGE,
        "max_megabytes": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    used = ratelimit.hit(f"help-request:{client_ip(request) or 'unknown'}", WINDOW_SECONDS).count
    if used > settings.HELP_REQUESTS_PER_HOUR:
        form.add_error(None, _("You have sent several requests in a short time. Please wait an hour and try again."))
        return render(request, TEMPLATE, context, status=429)
    if form.is_bot:
        form.add_error(None, _("Your request could not be sent. Please try again."))
        return render(request, TEMPLATE, context, status=400)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    data = form.cleaned_data
    try:
        photos = attachments_check(request.FILES.getlist("photos"), allow_documents=False, field="photos")
        ticket = help_request_submit(
            kind=data["kind"],
            platform=data["platform"],
            order_number=data["order_number"],
            proof=data["proof"],
            description=data["description"],
            photos=photos,
        )
    except ApplicationError as exc:
        form_add_error(form, exc)
        return render(request, TEMPLATE, context, status=exc.status_code if exc.status_code < 500 else 400)
    return render(request, "knowledge/help_request_done.html", {"ticket": ticket, "tracking_url": tracking_url(ticket)})
