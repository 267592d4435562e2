"""The reply box's send (issue 16): a reply alone, or with "set pending" / "resolve" in the same action, past
the reply checks when the agent gives a reason. Thin, like the other ticket views (``tickets.views``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from tickets.services.attachments import attachments_check
from tickets.services.messages import ticket_reply, ticket_reply_and_set_status

from .enums import TicketStatus
from .forms import ReplyForm
from .models import Ticket
from .views import _seen_event_id, _ticket_action


@agent_required
@require_POST
def ticket_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a public reply; with ``then_status`` (the "send and …" buttons) set that status in the same
    transaction; with ``override_reason``, past a blocking reply check (wording rules)."""

    def send(ticket: Ticket, data: dict[str, Any]) -> Any:
        reply = {
            "ticket": ticket,
            "author": request.user,
            "body": data["body"],
            "seen_event_id": _seen_event_id(request),
            "override_reason": data["override_reason"],
            # The files are checked (decoded, thumbnailed) before the service locks the ticket.
            "attachments": attachments_check(request.FILES.getlist("attachments")),
        }
        if data["then_status"]:
            return ticket_reply_and_set_status(to_status=data["then_status"], **reply)
        return ticket_reply(**reply)

    messages_by_status: dict[str, str] = {
        TicketStatus.PENDING_CUSTOMER: _("Reply sent; the ticket now waits on the customer."),
        TicketStatus.RESOLVED: _("Reply sent; the ticket is resolved."),
    }
    success = messages_by_status.get(request.POST.get("then_status", ""), _("Reply sent."))
    return _ticket_action(request, pk, ReplyForm, "reply_form", send, success, sent_pane="reply-pane")
