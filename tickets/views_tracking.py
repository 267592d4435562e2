"""The buyer's private tracking page (signed link, no account): their request's progress, the public
conversation with its files, and a form to write to us with photos."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.errors import ApplicationError, RateLimited
from core.files import evidence_response
from integrations import ratelimit
from tickets.services.attachments import attachments_check
from tickets.services.messages import ticket_add_customer_message

from .forms import AttachedMessageForm
from .models import Ticket
from .panels import customer_panels
from .selectors_attachments import attachment_for_buyer, public_messages
from .tracking import ticket_from_tracking_token

UPLOAD_WINDOW_SECONDS = 3600


def tracking_view(request: HttpRequest, token: str) -> HttpResponse:
    """A buyer follows their request and can write to us, with photos, without an account.

    Shows only what the buyer may see: status, public messages and their files (never internal notes or
    agents' names beyond "customer service"), and the kind's milestones. Photos are checked by content like
    every upload; a ticket takes at most ``TRACKING_UPLOADS_PER_HOUR`` files an hour (then 429).
    """
    ticket = ticket_from_tracking_token(token)
    if ticket is None:
        # The buyer's own page, not the staff 404 (whose header and "back to the inbox" are not theirs).
        return render(request, "tickets/track_invalid.html", status=404)
    form = AttachedMessageForm(request.POST or None)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                uploads = request.FILES.getlist("attachments")
                _count_uploads(ticket, len(uploads))
                photos = attachments_check(uploads, allow_documents=False)
                ticket_add_customer_message(ticket=ticket, body=form.cleaned_data["body"], attachments=photos)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                for field_messages in exc.fields.values():
                    for text in field_messages:
                        if text != exc.message:
                            form.add_error(None, text)
                # A refusal is a 400 on this page (a closed ticket included), the flood limit a 429.
                status_code = 429 if isinstance(exc, RateLimited) else 400
            else:
                messages.success(request, _("Thank you, your message has been sent."))
                return redirect("tracking", token=token)
        else:
            status_code = 400
    context = {
        "ticket": ticket,
        "token": token,
        "public_messages": public_messages(ticket=ticket),
        "form": form,
        "steps": _tracking_steps(ticket),
        "kind_panels": customer_panels(ticket),
        "max_files": settings.ATTACHMENT_MAX_PER_MESSAGE,
        "max_megabytes": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "tickets/track.html", context, status=status_code)


def _count_uploads(ticket: Ticket, count: int) -> None:
    """Count the buyer's files against the ticket's hourly allowance; refuse (429) once it is used up."""
    if count == 0:
        return
    limit = settings.TRACKING_UPLOADS_PER_HOUR
    used = 0
    for _file in range(count):
        used = ratelimit.hit(f"tracking-upload:{ticket.pk}", UPLOAD_WINDOW_SECONDS).count
    if used > limit:
        raise RateLimited(
            _("You have sent many photos in the last hour (at most %(limit)d). Please wait a while and try again.")
            % {"limit": limit}
        )


@require_safe
def tracking_file_view(request: HttpRequest, token: str, attachment_id: int) -> HttpResponse:
    """A file of the buyer's conversation, through their signed link: public messages' files only (an internal
    note's file is a 404, like a file of another ticket)."""
    ticket = ticket_from_tracking_token(token)
    if ticket is None:
        raise Http404(_("No such file."))
    attachment = attachment_for_buyer(ticket=ticket, attachment_id=attachment_id)
    if attachment is None:
        raise Http404(_("No such file."))
    response: HttpResponse = evidence_response(  # type: ignore[assignment]
        attachment, thumbnail=request.GET.get("thumbnail") == "1", download_name=attachment.display_name
    )
    return response


def _tracking_steps(ticket: Ticket) -> list[dict[str, Any]]:
    order = ["received", "in_progress", "resolved", "closed"]
    reached = {
        "received": True,
        "in_progress": ticket.first_responded_at is not None or ticket.status != "new",
        "resolved": ticket.status in ("resolved", "closed"),
        "closed": ticket.status == "closed",
    }
    labels = {
        "received": _("Received"),
        "in_progress": _("Being handled"),
        "resolved": _("Resolved"),
        "closed": _("Closed"),
    }
    return [{"key": key, "label": labels[key], "done": reached[key]} for key in order]
