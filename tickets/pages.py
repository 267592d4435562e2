"""The staff ticket page, which the ticket views and the kind apps' panel actions both render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from customers.masking import mask_email, mask_phone

from . import selectors
from .calendars import calendar_for_ticket
from .enums import EscalationTarget, TicketStatus
from .forms import (
    AssigneeForm,
    ClassificationForm,
    HelpRequestForm,
    MessageForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    TeamForm,
)
from .models import Ticket
from .panels import composer_tools, side_panels, staff_panels
from .services.messages import reply_then_statuses
from .sla import ticket_clocks
from .tracking import tracking_url


def ticket_for_page(request: HttpRequest, pk: int) -> Ticket:
    """The ticket of a staff page; 404 when it does not exist or the user may not see it."""
    ticket = selectors.ticket_get_for_agent(pk=pk, user=request.user)
    if ticket is None:
        raise Http404(_("No such ticket."))
    return ticket


def timeline_context(ticket: Ticket) -> dict[str, Any]:
    """The timeline and the newest event id it shows: the forms that the stale-reply guard protects send that
    id back as ``seen_event_id`` (collision detection)."""
    timeline = selectors.ticket_timeline(ticket=ticket)
    seen = max((item["event"].pk for item in timeline if item.get("event") is not None), default=0)
    return {"timeline": timeline, "seen_event_id": seen}


_COMPOSER_SENT = "tickets_composer_sent"


def mark_composer_sent(request: HttpRequest, ticket_id: int, pane: str) -> None:
    """Tell the next rendering of the ticket page that ``pane``'s message went out, so the reply box's script
    drops the draft it kept for it (static/js/composer.js). One-shot, like a flash message."""
    request.session[_COMPOSER_SENT] = f"{ticket_id}:{pane}"


def _pop_composer_sent(request: HttpRequest, ticket_id: int) -> str:
    session = getattr(request, "session", None)
    if session is None or _COMPOSER_SENT not in session:
        return ""
    sent_ticket, _sep, pane = str(session.get(_COMPOSER_SENT, "")).partition(":")
    if sent_ticket != str(ticket_id):
        return ""  # another ticket's: left for that ticket's page
    del session[_COMPOSER_SENT]
    return pane


def ticket_page_context(
    request: HttpRequest, ticket: Ticket, *, panel_state: Mapping[str, Any] | None = None, **forms: Any
) -> dict[str, Any]:
    """Everything the ticket page shows. ``forms`` replace the page's own blank forms (a refused one keeps
    its input and errors); ``panel_state`` goes to the kind apps' panels (``tickets.panels``)."""
    now = timezone.now()
    customer = ticket.customer
    return {
        "ticket": ticket,
        **timeline_context(ticket),
        "kind_panels": staff_panels(request, ticket, panel_state),
        "composer_tools": composer_tools(request, ticket),
        "attachment_max_files": settings.ATTACHMENT_MAX_PER_MESSAGE,
        "attachment_max_megabytes": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "side_panels": side_panels(request, ticket),
        "tracking_url": tracking_url(ticket),
        "earlier_tickets": selectors.customer_earlier_tickets(ticket=ticket, user=request.user),
        "customer_phone": mask_phone(customer.phone),
        "customer_email": mask_email(customer.email) if customer.email else "",
        "may_reveal_contact": roles.can_see_customer_contact(request.user),
        "may_restrict": roles.is_manager(request.user),
        "clocks": ticket_clocks(ticket, now, calendar_for_ticket(ticket)),
        "sla_calendar": selectors.ticket_sla_calendar(ticket=ticket),
        "status_choices": [(value, label) for value, label in TicketStatus.choices if ticket.can_transition_to(value)],
        # The reply box: "send and set pending" / "send and resolve" when allowed, and the pane whose message
        # just went out (its kept draft is dropped).
        "reply_then_statuses": reply_then_statuses(ticket),
        "composer_sent": _pop_composer_sent(request, ticket.pk),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "note_form": forms.get("note_form") or MessageForm(),
        "customer_message_form": forms.get("customer_message_form") or MessageForm(),
        "priority_form": forms.get("priority_form") or PriorityForm(initial={"priority": ticket.priority}),
        "classification_form": forms.get("classification_form") or ClassificationForm(ticket=ticket),
        "team_form": forms.get("team_form") or TeamForm(initial={"team": ticket.team_id}),
        "assignee_form": forms.get("assignee_form") or AssigneeForm(initial={"assignee": ticket.assignee_id}),
        "status_form": forms.get("status_form") or StatusForm(),
        "action_error": forms.get("action_error"),
        # Collision detection: a refused stale reply or status change (tickets.services.stale).
        "stale": forms.get("stale"),
        # Ask for help (求助主管): the form, and the open request if there is one (escalations are prefetched).
        "help_form": forms.get("help_form") or HelpRequestForm(),
        "open_help_request": next(
            (
                e
                for e in ticket.escalations.all()
                if e.target == EscalationTarget.REQUESTED and e.acknowledged_at is None
            ),
            None,
        ),
        "may_request_help": roles.is_agent(request.user) and ticket.status != TicketStatus.CLOSED,
        # After a refused action the page is rendered at the action's URL; the browser shows the ticket's.
        "canonical_path": reverse("tickets:detail", args=[ticket.pk]),
        "active_pane": {"note_form": "note-pane", "customer_message_form": "customer-pane"}.get(
            forms.get("failed_form", ""), "reply-pane"
        ),
    }


def render_ticket_page(
    request: HttpRequest, ticket_id: int, *, panel_state: Mapping[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The ticket page, as a kind app's refused panel action shows it: ``panel_state`` holds, under the
    panel's key, what its panel needs to show the refusal (the form with its errors, a message)."""
    ticket = ticket_for_page(request, ticket_id)
    return render(
        request, "tickets/detail.html", ticket_page_context(request, ticket, panel_state=panel_state), status=status
    )
