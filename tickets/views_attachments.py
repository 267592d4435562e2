"""Serving attachments: to staff on the ticket page, and to a platform through a webhook's signed link.

Files are never served from a public media URL. Every response carries ``core.files.evidence_response``'s
headers: the checked content type (never HTML or SVG), ``nosniff``, a sandbox CSP, and a download (not inline)
for anything but images and PDFs. The buyer's own route is ``tickets.views_tracking.tracking_file_view``.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.decorators import agent_required
from core.files import evidence_response

from .attachment_links import LinkExpired, attachment_id_from_link
from .models import MessageAttachment
from .selectors_attachments import attachment_for_staff, attachment_public


def _file_response(request: HttpRequest, attachment: MessageAttachment) -> HttpResponse:
    response: HttpResponse = evidence_response(  # type: ignore[assignment]
        attachment, thumbnail=request.GET.get("thumbnail") == "1", download_name=attachment.display_name
    )
    return response


@agent_required
@require_safe
def ticket_attachment_view(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A file on the ticket page (``?thumbnail=1``: its thumbnail). 404 when the user may not see the ticket
    (a restricted ticket of another team) or the file is not on it."""
    attachment = attachment_for_staff(ticket_id=pk, attachment_id=attachment_id, user=request.user)
    if attachment is None:
        raise Http404(_("No such file."))
    return _file_response(request, attachment)


@require_safe
def attachment_download_view(request: HttpRequest, token: str) -> HttpResponse:
    """A webhook's signed download link: no login, the signature is the permission. A tampered link is a 404,
    an expired one a 410 (ask for the ticket again over the API for fresh links)."""
    try:
        attachment_id = attachment_id_from_link(token)
    except LinkExpired:
        return render(
            request,
            "tickets/attachment_link_invalid.html",
            {"text": _("This download link has expired.")},
            status=410,
        )
    attachment = attachment_public(attachment_id=attachment_id) if attachment_id is not None else None
    if attachment is None:
        return render(
            request,
            "tickets/attachment_link_invalid.html",
            {"text": _("This download link is not valid.")},
            status=404,
        )
    return _file_response(request, attachment)
