"""Browser pages for agents and managers. Thin: parse the form, call one service, redirect or re-render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import agent_required, manager_required
from core.errors import ApplicationError
from core.forms import form_add_error
from core.integers import parse_id
from tickets.services.assignment import ticket_assign, ticket_set_restricted, ticket_set_team, ticket_take
from tickets.services.attachments import attachments_check
from tickets.services.classification import ticket_reclassify, ticket_set_priority
from tickets.services.help import ticket_request_help
from tickets.services.intake import ticket_create_with_customer
from tickets.services.messages import ticket_add_customer_message, ticket_add_note
from tickets.services.stale import StaleTicket
from tickets.services.transitions import ticket_transition

from . import selectors
from .enums import TicketKind
from .forms import (
    AssigneeForm,
    AttachedMessageForm,
    ClassificationForm,
    HelpRequestForm,
    InboxFilterForm,
    PriorityForm,
    StatusForm,
    TeamForm,
    TicketCreateForm,
)
from .models import Escalation, Ticket
from .pages import mark_composer_sent, ticket_for_page, ticket_page_context
from .selectors_collision import inbox_viewers
from .sla import next_clock_state

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
    # Collision detection: who else has each ticket open, one query for the page.
    viewers = inbox_viewers(ticket_ids=[ticket.pk for ticket in page.object_list], reader_id=request.user.pk)
    rows = [
        {"ticket": ticket, "clock": next_clock_state(ticket, now), "viewers": viewers.get(ticket.pk, [])}
        for ticket in page.object_list
    ]
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


@agent_required
def ticket_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_page(request, pk)
    return render(request, "tickets/detail.html", ticket_page_context(request, ticket))


def _ticket_action(
    request: HttpRequest,
    pk: int,
    form_class: type,
    form_name: str,
    act: Callable[[Ticket, dict[str, Any]], Any],
    success: str,
    *,
    sent_pane: str = "",
) -> HttpResponse:
    """Run one form's action on the ticket page. ``sent_pane``: the reply box pane whose draft the page drops
    after a success (``pages.mark_composer_sent``)."""
    ticket = ticket_for_page(request, pk)
    form = form_class(request.POST)
    stale: dict[str, Any] | None = None
    if form.is_valid():
        try:
            act(ticket, form.cleaned_data)
        except StaleTicket as exc:
            # Collision detection: the page re-renders with the input kept, what changed, and "send anyway"
            # (the re-rendered forms carry the new seen_event_id).
            changes = [{**change, "when": parse_datetime(change["at"])} for change in exc.changes]
            stale = {"form": form_name, "changes": changes, "message": exc.message, "data": form.cleaned_data}
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, success)
            if sent_pane:
                mark_composer_sent(request, pk, sent_pane)
            return redirect("tickets:detail", pk=pk)
    ticket = ticket_for_page(request, pk)
    context = ticket_page_context(
        request,
        ticket,
        **{form_name: form, "action_error": None if stale else form.errors, "failed_form": form_name, "stale": stale},
    )
    return render(request, "tickets/detail.html", context, status=409 if stale else 400)


def _seen_event_id(request: HttpRequest) -> int | None:
    """The newest event the page showed (collision detection); None from a page or client without it."""
    return parse_id((request.POST.get("seen_event_id") or "").strip())


@agent_required
@require_POST
def ticket_note_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        AttachedMessageForm,
        "note_form",
        lambda t, d: ticket_add_note(
            ticket=t,
            author=request.user,
            body=d["body"],
            attachments=attachments_check(request.FILES.getlist("attachments")),
        ),
        _("Note added."),
        sent_pane="note-pane",
    )


@agent_required
@require_POST
def ticket_customer_message_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        AttachedMessageForm,
        "customer_message_form",
        lambda t, d: ticket_add_customer_message(
            ticket=t,
            body=d["body"],
            actor=request.user,
            # The buyer's photos sent in chat: photos and PDFs, as on the buyer's own page.
            attachments=attachments_check(request.FILES.getlist("attachments"), allow_documents=False),
        ),
        _("Customer message recorded."),
        sent_pane="customer-pane",
    )


@agent_required
@require_POST
def ticket_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        StatusForm,
        "status_form",
        lambda t, d: ticket_transition(
            ticket=t, to_status=d["status"], actor=request.user, seen_event_id=_seen_event_id(request)
        ),
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
        lambda t, d: ticket_reclassify(ticket=t, kind=d["kind"], category=d["category"], actor=request.user),
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
        lambda t, d: ticket_set_priority(ticket=t, priority=d["priority"], actor=request.user),
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
        lambda t, d: ticket_set_team(ticket=t, team=d["team"], actor=request.user),
        _("Team changed."),
    )


@agent_required
@require_POST
def ticket_restricted_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Managers restrict a ticket to its team, or open it again (a checkbox and a button)."""
    ticket = ticket_for_page(request, pk)
    restricted = request.POST.get("restricted") == "on"
    try:
        ticket_set_restricted(ticket=ticket, restricted=restricted, actor=request.user)
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Restricted to its team.") if restricted else _("No longer restricted."))
    return redirect("tickets:detail", pk=ticket.pk)


@agent_required
@require_POST
def ticket_assignee_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_action(
        request,
        pk,
        AssigneeForm,
        "assignee_form",
        lambda t, d: ticket_assign(ticket=t, assignee=d["assignee"], actor=request.user),
        _("Assignee changed."),
    )


@agent_required
@require_POST
def ticket_take_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_page(request, pk)
    try:
        ticket_take(ticket=ticket, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You took %(ref)s.") % {"ref": ticket.reference})
    next_url = request.POST.get("next")
    if next_url == "escalations":
        return redirect("tickets:escalations")
    return redirect("tickets:detail", pk=pk)


# --- ask for help (issue 15, help slice) -------------------------------------------------------------------


@agent_required
@require_POST
def ticket_help_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An agent asks the ticket's managers for help, with a reason (the ticket page's small form)."""
    return _ticket_action(
        request,
        pk,
        HelpRequestForm,
        "help_form",
        lambda t, d: ticket_request_help(ticket=t, actor=request.user, reason=d["reason"]),
        _("Your managers have been asked for help."),
    )


# --- end ask for help ---------------------------------------------------------------------------------------


# --- new ticket -------------------------------------------------------------------------------------------


@agent_required
def ticket_create_view(request: HttpRequest) -> HttpResponse:
    """Record a phone or chat contact as a ticket."""
    form = TicketCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order_number = data["order_number"].strip()
        try:
            ticket = ticket_create_with_customer(
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
                assignee=request.user if data["assign_to_me"] and roles.is_agent(request.user) else None,
                created_by=request.user,
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
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
    kind = request.GET.get("type", "")
    if kind not in selectors.ESCALATION_KINDS:
        kind = ""
    page = Paginator(selectors.escalation_list(user=request.user, open_only=open_only, kind=kind), 50).get_page(
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
            "kind": kind,
            # The two filters (open / all, and the type) keep each other in their links.
            "open_url": "?" + urlencode({"type": kind} if kind else {}),
            "all_url": "?" + urlencode({"all": "1", **({"type": kind} if kind else {})}),
            "kind_tabs": [
                (
                    value,
                    label,
                    "?" + urlencode({**({} if open_only else {"all": "1"}), **({"type": value} if value else {})}),
                )
                for value, label in (("", _("All types")), ("sla", _("SLA breaches")), ("help", _("Help requests")))
            ],
            # One query for the reassign menus of every row.
            "assignee_choices": [(user.pk, str(user)) for user in selectors.assignable_users()],
        },
    )


def _escalation_row(escalation: Escalation, now: datetime) -> dict[str, Any]:
    """One line of the escalations page: how late the target was, and what became of the escalation.

    Lateness runs to when the target was met or, failing that, when the escalation was handled
    (``Escalation.late_until``). An escalation handled with no person recorded (the person's account deleted, or
    the system) says what happened instead of "handled by None".
    """
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
        "late_seconds": escalation.late_seconds(now),
        "late_until": late_until,
        "outcome": outcome,
    }


def _short_time(value: datetime) -> str:
    return date_format(timezone.localtime(value), "m-d H:i")


@manager_required
@require_POST
def escalation_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_page(request, pk)
    form = AssigneeForm(request.POST)
    if form.is_valid() and form.cleaned_data["assignee"] is not None:
        try:
            ticket_assign(ticket=ticket, assignee=form.cleaned_data["assignee"], actor=request.user)
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
