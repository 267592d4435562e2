"""Browser pages for agents and managers. Thin: parse the form, call one service, redirect or re-render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import agent_required, manager_required
from customers.masking import mask_email, mask_phone
from helpdesk.errors import ApplicationError

from . import extensions, selectors, services
from .calendars import calendar_for_ticket
from .enums import TicketKind, TicketStatus
from .forms import (
    AssigneeForm,
    ClassificationForm,
    InboxFilterForm,
    MessageForm,
    PriorityForm,
    StatusForm,
    TeamForm,
    TicketCreateForm,
    apply_error,
)
from .models import Escalation, Ticket
from .sla import next_clock_state, ticket_clocks
from .tracking import tracking_url

# --- inbox ------------------------------------------------------------------------------------------------


@agent_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "mine")
    if view not in selectors.INBOX_VIEWS:
        view = "mine"
    form = InboxFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else {}
    page = Paginator(selectors.ticket_inbox(user=request.user, view=view, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [{"ticket": ticket, "clock": next_clock_state(ticket, now)} for ticket in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("view", None)
    context = {
        "view": view,
        "form": form,
        "page": page,
        "rows": rows,
        "filter_query": query.urlencode(),
        "filtered": bool(filters and any(filters.values())),
        "counts": {
            name: selectors.ticket_inbox(user=request.user, view=name).count() for name in selectors.INBOX_VIEWS
        },
    }
    template = (
        "tickets/_inbox_table.html"
        if request.headers.get("HX-Request") and request.GET.get("partial")
        else "tickets/inbox.html"
    )
    return render(request, template, context)


# --- ticket page ------------------------------------------------------------------------------------------


def _get_ticket(pk: int) -> Ticket:
    ticket = selectors.ticket_get_for_agent(pk=pk)
    if ticket is None:
        raise Http404(_("No such ticket."))
    return ticket


def _detail_context(request: HttpRequest, ticket: Ticket, **forms: Any) -> dict[str, Any]:
    now = timezone.now()
    customer = ticket.customer
    return {
        "ticket": ticket,
        "timeline": selectors.ticket_timeline(ticket=ticket),
        "kind_panels": extensions.panels(request, ticket),
        "tracking_url": tracking_url(ticket),
        "earlier_tickets": selectors.customer_earlier_tickets(ticket=ticket),
        "customer_phone": mask_phone(customer.phone),
        "customer_email": mask_email(customer.email) if customer.email else "",
        "may_reveal_contact": roles.can_see_customer_contact(request.user),
        "clocks": ticket_clocks(ticket, now, calendar_for_ticket(ticket)),
        "sla_calendar": selectors.ticket_sla_calendar(ticket=ticket),
        "status_choices": [(value, label) for value, label in TicketStatus.choices if ticket.can_transition_to(value)],
        "reply_form": forms.get("reply_form") or MessageForm(),
        "note_form": forms.get("note_form") or MessageForm(),
        "customer_message_form": forms.get("customer_message_form") or MessageForm(),
        "priority_form": forms.get("priority_form") or PriorityForm(initial={"priority": ticket.priority}),
        "classification_form": forms.get("classification_form") or ClassificationForm(ticket=ticket),
        "team_form": forms.get("team_form") or TeamForm(initial={"team": ticket.team_id}),
        "assignee_form": forms.get("assignee_form") or AssigneeForm(initial={"assignee": ticket.assignee_id}),
        "status_form": forms.get("status_form") or StatusForm(),
        "action_error": forms.get("action_error"),
        # After a refused action the page is rendered at the action's URL; the browser shows the ticket's.
        "canonical_path": reverse("tickets:detail", args=[ticket.pk]),
        "active_pane": {"note_form": "note-pane", "customer_message_form": "customer-pane"}.get(
            forms.get("failed_form", ""), "reply-pane"
        ),
    }


def render_ticket_page(request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
    """The ticket page; kind apps call it to show their refused panel forms (they stash them on the request)."""
    ticket = _get_ticket(pk)
    return render(request, "tickets/detail.html", _detail_context(request, ticket), status=status)


@agent_required
def ticket_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket(pk)
    return render(request, "tickets/detail.html", _detail_context(request, ticket))


def _ticket_action(
    request: HttpRequest,
    pk: int,
    form_class: type,
    form_name: str,
    act: Callable[[Ticket, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    ticket = _get_ticket(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(ticket, form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("tickets:detail", pk=pk)
    ticket = _get_ticket(pk)
    context = _detail_context(
        request, ticket, **{form_name: form, "action_error": form.errors, "failed_form": form_name}
    )
    return render(request, "tickets/detail.html", context, status=400)


@agent_required
@require_POST
def ticket_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        MessageForm,
        "reply_form",
        lambda t, d: services.ticket_reply(ticket=t, author=request.user, body=d["body"]),
        _("Reply sent."),
    )


@agent_required
@require_POST
def ticket_note_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        MessageForm,
        "note_form",
        lambda t, d: services.ticket_add_note(ticket=t, author=request.user, body=d["body"]),
        _("Note added."),
    )


@agent_required
@require_POST
def ticket_customer_message_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        MessageForm,
        "customer_message_form",
        lambda t, d: services.ticket_add_customer_message(ticket=t, body=d["body"], actor=request.user),
        _("Customer message recorded."),
    )


@agent_required
@require_POST
def ticket_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        StatusForm,
        "status_form",
        lambda t, d: services.ticket_transition(ticket=t, to_status=d["status"], actor=request.user),
        _("Status changed."),
    )


@agent_required
@require_POST
def ticket_classification_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        ClassificationForm,
        "classification_form",
        lambda t, d: services.ticket_reclassify(ticket=t, kind=d["kind"], category=d["category"], actor=request.user),
        _("Kind and category changed."),
    )


@agent_required
@require_POST
def ticket_priority_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        PriorityForm,
        "priority_form",
        lambda t, d: services.ticket_set_priority(ticket=t, priority=d["priority"], actor=request.user),
        _("Priority changed."),
    )


@agent_required
@require_POST
def ticket_team_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        TeamForm,
        "team_form",
        lambda t, d: services.ticket_set_team(ticket=t, team=d["team"], actor=request.user),
        _("Team changed."),
    )


@agent_required
@require_POST
def ticket_assignee_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        AssigneeForm,
        "assignee_form",
        lambda t, d: services.ticket_assign(ticket=t, assignee=d["assignee"], actor=request.user),
        _("Assignee changed."),
    )


@agent_required
@require_POST
def ticket_take_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket(pk)
    try:
        services.ticket_take(ticket=ticket, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You took %(ref)s.") % {"ref": ticket.reference})
    next_url = request.POST.get("next")
    if next_url == "escalations":
        return redirect("tickets:escalations")
    return redirect("tickets:detail", pk=pk)


# --- new ticket -------------------------------------------------------------------------------------------


@agent_required
def ticket_create_view(request: HttpRequest) -> HttpResponse:
    """Record a phone or chat contact as a ticket."""
    form = TicketCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order_number = data["order_number"].strip()
        try:
            ticket = services.ticket_create_with_customer(
                customer={
                    "platform": data["customer_platform"],
                    "platform_account_id": data["customer_account"].strip(),
                    "name": data["customer_name"].strip(),
                    "phone": data["customer_phone"].strip() or None,
                    "email": data["customer_email"].strip() or None,
                    "tier": data["customer_tier"] or None,
                },
                order={"order_number": order_number} if order_number else None,
                order_must_exist=True,
                kind=data["kind"],
                category=data["category"],
                subject=data["subject"],
                description=data["description"],
                channel=data["channel"],
                priority=data["priority"],
                team=data["team"],
                created_by=request.user,
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Ticket %(ref)s created.") % {"ref": ticket.reference})
            return redirect("tickets:detail", pk=ticket.pk)
    status = 400 if request.method == "POST" else 200
    kind_labels = {value: str(label) for value, label in TicketKind.choices}
    return render(request, "tickets/new.html", {"form": form, "kind_labels": kind_labels}, status=status)


# --- escalations (managers) -------------------------------------------------------------------------------


@manager_required
def escalation_list_view(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("all") != "1"
    page = Paginator(selectors.escalation_list(user=request.user, open_only=open_only), 50).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [_escalation_row(escalation, now) for escalation in page.object_list]
    return render(
        request,
        "tickets/escalations.html",
        {
            "page": page,
            "rows": rows,
            "open_only": open_only,
            # One query for the reassign menus of every row.
            "assignee_choices": [(user.pk, str(user)) for user in selectors.assignable_users()],
        },
    )


def _escalation_row(escalation: Escalation, now: datetime) -> dict[str, Any]:
    """One line of the escalations page: how late the target was, and what became of the escalation.

    Lateness runs to when the target was met or, failing that, when the escalation was handled; only an
    escalation nobody has dealt with is still late now. (``Escalation.late_seconds`` alone would keep a handled,
    unmet escalation growing, hence the end passed in.) An escalation handled with no person recorded (the
    person's account deleted, or the system) says what happened instead of "handled by None".
    """
    ended_at = escalation.met_at or escalation.acknowledged_at
    if escalation.met_at is not None:
        late_until = "met"
    elif escalation.acknowledged_at is not None:
        late_until = "handled"
    else:
        late_until = ""
    outcome = ""
    if escalation.acknowledged_at is not None:
        if escalation.acknowledged_by is not None:
            outcome = _("handled by %(who)s at %(at)s") % {
                "who": escalation.acknowledged_by,
                "at": _short_time(escalation.acknowledged_at),
            }
        elif escalation.met_at is not None:
            outcome = _("target met at %(at)s") % {"at": _short_time(escalation.met_at)}
        else:
            outcome = _("acknowledged at %(at)s (no person recorded)") % {"at": _short_time(escalation.acknowledged_at)}
    return {
        "escalation": escalation,
        "ticket": escalation.ticket,
        "late_seconds": escalation.late_seconds(ended_at or now),
        "late_until": late_until,
        "outcome": outcome,
    }


def _short_time(value: datetime) -> str:
    return date_format(timezone.localtime(value), "m-d H:i")


@manager_required
@require_POST
def escalation_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket(pk)
    form = AssigneeForm(request.POST)
    if form.is_valid() and form.cleaned_data["assignee"] is not None:
        try:
            services.ticket_assign(ticket=ticket, assignee=form.cleaned_data["assignee"], actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(ref)s reassigned to %(user)s.") % {"ref": ticket.reference, "user": form.cleaned_data["assignee"]},
            )
    else:
        messages.error(request, _("Choose an agent."))
    return redirect(reverse("tickets:escalations"))


# --- the buyer's private tracking page ----------------------------------------------------------------------


def tracking_view(request: HttpRequest, token: str) -> HttpResponse:
    """A buyer follows their request and can write to us, without an account (private signed link).

    Shows only what the buyer may see: status, public messages (never internal notes or agents' names beyond
    "customer service"), and the kind's milestones.
    """
    from .tracking import ticket_from_tracking_token

    ticket = ticket_from_tracking_token(token)
    if ticket is None:
        # The buyer's own page, not the staff 404 (whose header and "back to the inbox" are not theirs).
        return render(request, "tickets/track_invalid.html", status=404)
    form = MessageForm(request.POST or None)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ticket_add_customer_message(ticket=ticket, body=form.cleaned_data["body"])
            except ApplicationError as exc:
                apply_error(form, exc)
                status_code = 400
            else:
                messages.success(request, _("Thank you, your message has been sent."))
                return redirect("tracking", token=token)
        else:
            status_code = 400
    context = {
        "ticket": ticket,
        "public_messages": ticket.messages.filter(visibility="public").order_by("created_at", "id"),
        "form": form,
        "steps": _tracking_steps(ticket),
        "kind_panels": extensions.customer_panels(ticket),
    }
    return render(request, "tickets/track.html", context, status=status_code)


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
