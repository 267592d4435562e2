"""Handover pages (交接班): write a handover, the team's book, one handover, the managers' overview; and the
shift pages of a team (班次)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required, manager_required
from core.errors import ApplicationError
from core.forms import form_add_error
from core.integers import parse_id
from tickets.models import Team, Ticket
from tickets.sla import next_clock_state

from ..enums import HandoverAction
from ..forms_handover import BookFilterForm, OverviewForm, ShiftForm
from ..models import Handover, Shift
from ..selectors_handover import (
    BookFilters,
    handover_author_teams,
    handover_get,
    handover_latest_for_ticket,
    handover_list,
    handover_moment,
    handover_open_tickets,
    handover_overview,
    handover_teams,
)
from ..services.handover import ItemInput, handover_acknowledge, handover_create, handover_may_acknowledge
from ..services.shifts import shift_create, shift_delete, shift_may_manage, shift_update
from ..shifts import shift_label, team_time_zone

BOOK_PAGE_SIZE = 20
OVERVIEW_MAX_DAYS = 31


def _chosen_team(request: HttpRequest, teams: list[Team]) -> Team | None:
    """The team named by ``?team=`` among ``teams``, else the first one."""
    wanted = request.GET.get("team") or request.POST.get("team") or ""
    for team in teams:
        if str(team.pk) == wanted:
            return team
    return teams[0] if teams else None


def _label(shift: Shift | None) -> str:
    return shift_label(shift.name, shift.start_time, shift.end_time) if shift else ""


# --- the ticket page's card -------------------------------------------------------------------------------


def handover_ticket_panel(request: HttpRequest, ticket: Ticket, state: Any) -> str:
    """“交接班: author → to, note, time” for a ticket that was handed over (its latest handover)."""
    item = handover_latest_for_ticket(ticket)
    if item is None:
        return ""
    return render_to_string("workforce/_handover_panel.html", {"item": item}, request=request)


# --- writing a handover -----------------------------------------------------------------------------------


@agent_required
def handover_new_view(request: HttpRequest) -> HttpResponse:
    teams = list(handover_author_teams(request.user))
    team = _chosen_team(request, teams)
    if team is None:
        return render(request, "workforce/handover_new.html", {"teams": teams, "team": None})
    moment = handover_moment(team=team, author=request.user)
    tickets = list(handover_open_tickets(author=request.user))
    agents_by_pk = {agent.pk: agent for agent in moment.next_agents}
    posted: dict[int, dict[str, str]] = {}
    notes = ""
    status = 200
    error = ""
    if request.method == "POST":
        notes = request.POST.get("notes", "")
        items: list[ItemInput] = []
        for ticket in tickets:
            action = request.POST.get(f"action_{ticket.pk}", HandoverAction.KEEP)
            to_agent_id = request.POST.get(f"to_agent_{ticket.pk}", "")
            note = request.POST.get(f"note_{ticket.pk}", "")
            posted[ticket.pk] = {"action": action, "to_agent": to_agent_id, "note": note}
            to_agent = None
            to_agent_pk = parse_id(to_agent_id)
            if action == HandoverAction.TO_AGENT and to_agent_pk is not None:
                to_agent = agents_by_pk.get(to_agent_pk) or get_user_model().objects.filter(pk=to_agent_pk).first()
            items.append(ItemInput(ticket=ticket, action=action, to_agent=to_agent, note=note))
        try:
            handover = handover_create(author=request.user, team=team, notes=notes, items=items)
        except ApplicationError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, _("Handover saved."))
            return redirect("workforce:handover_detail", pk=handover.pk)
    now = timezone.now()
    rows = [
        {
            "ticket": ticket,
            "clock": next_clock_state(ticket, now),
            "action": posted.get(ticket.pk, {}).get("action", HandoverAction.KEEP),
            "to_agent": posted.get(ticket.pk, {}).get("to_agent", ""),
            "note": posted.get(ticket.pk, {}).get("note", ""),
        }
        for ticket in tickets
    ]
    context = {
        "teams": teams,
        "team": team,
        "moment": moment,
        "shift_label": _label(moment.shift),
        "next_label": _label(moment.next_shift),
        "rows": rows,
        "notes": notes,
        "error": error,
        "actions": HandoverAction,
    }
    return render(request, "workforce/handover_new.html", context, status=status)


# --- the book ---------------------------------------------------------------------------------------------


@agent_required
def handover_book_view(request: HttpRequest) -> HttpResponse:
    teams = list(handover_teams(request.user).order_by("name"))
    team = _chosen_team(request, teams)
    form = BookFilterForm(request.GET or None, team=team)
    filters = BookFilters(team=team)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters.date_from, filters.date_to = data["date_from"], data["date_to"]
        filters.author_id = data["author"].pk if data["author"] else None
        filters.ticket = data["ticket"] or ""
    handovers = handover_list(user=request.user, filters=filters) if team else Handover.objects.none()
    page = Paginator(handovers, BOOK_PAGE_SIZE).get_page(request.GET.get("page"))
    for handover in page.object_list:
        handover.may_acknowledge = handover.unread and handover_may_acknowledge(request.user, handover)
    context = {
        "teams": teams,
        "team": team,
        "form": form,
        "page": page,
        "filtered": any([filters.date_from, filters.date_to, filters.author_id, filters.ticket]),
        "may_write": team is not None and handover_author_teams(request.user).filter(pk=team.pk).exists(),
    }
    return render(request, "workforce/handover_book.html", context)


@agent_required
def handover_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    handover = handover_get(user=request.user, pk=pk)
    if handover is None:
        raise Http404
    context = {
        "handover": handover,
        "shift_label": _label(handover.shift),
        "may_acknowledge": not getattr(handover, "acknowledged", False)
        and handover_may_acknowledge(request.user, handover),
    }
    return render(request, "workforce/handover_detail.html", context)


@agent_required
@require_POST
def handover_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    handover = handover_get(user=request.user, pk=pk)
    if handover is None:
        raise Http404
    try:
        handover_acknowledge(handover=handover, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Acknowledged."))
    if request.POST.get("next") == "book":
        return redirect(f"{reverse('workforce:handover_book')}?team={handover.team_id}")
    return redirect("workforce:handover_detail", pk=handover.pk)


# --- the managers' overview -------------------------------------------------------------------------------


@manager_required
def handover_overview_view(request: HttpRequest) -> HttpResponse:
    teams = list(handover_teams(request.user).order_by("name"))
    team = _chosen_team(request, teams)
    form = OverviewForm(request.GET or None)
    today = timezone.now().astimezone(team_time_zone(team)).date() if team else timezone.localdate()
    date_from, date_to = today - timedelta(days=6), today
    if form.is_bound and form.is_valid():
        date_to = form.cleaned_data["date_to"] or date_to
        date_from = form.cleaned_data["date_from"] or date_to - timedelta(days=6)
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    date_from = max(date_from, date_to - timedelta(days=OVERVIEW_MAX_DAYS - 1))
    rows = handover_overview(user=request.user, team=team, date_from=date_from, date_to=date_to) if team else []
    context = {
        "teams": teams,
        "team": team,
        "form": form,
        "rows": [{"row": row, "shift_label": _label(row.shift)} for row in rows],
        "date_from": date_from,
        "date_to": date_to,
        "may_manage_shifts": bool(team and shift_may_manage(request.user, team)),
    }
    return render(request, "workforce/handover_overview.html", context)


# --- shifts -----------------------------------------------------------------------------------------------


def _managed_team(request: HttpRequest, pk: int) -> Team:
    team = Team.objects.select_related("calendar").filter(pk=pk).first()
    if team is None or not shift_may_manage(request.user, team):
        raise Http404
    return team


def _managed_shift(request: HttpRequest, pk: int) -> Shift:
    shift = Shift.objects.select_related("team", "team__calendar").filter(pk=pk).first()
    if shift is None or not shift_may_manage(request.user, shift.team):
        raise Http404
    return shift


@manager_required
def shift_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    status = 200
    if request.method == "POST":
        form = ShiftForm(request.POST, team=team)
        if form.is_valid():
            try:
                shift_create(team=team, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                messages.success(request, _("Shift saved."))
                return redirect("workforce:shift_list", pk=team.pk)
        status = 400
    else:
        form = ShiftForm(team=team)
    shifts = list(Shift.objects.filter(team=team).prefetch_related("members").order_by("start_time"))
    context = {
        "team": team,
        "form": form,
        "shifts": [{"shift": shift, "label": _label(shift)} for shift in shifts],
        "time_zone": str(team_time_zone(team)),
    }
    return render(request, "workforce/shift_list.html", context, status=status)


@manager_required
def shift_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _managed_shift(request, pk)
    team = shift.team
    status = 200
    if request.method == "POST":
        form = ShiftForm(request.POST, team=team)
        if form.is_valid():
            try:
                shift_update(shift=shift, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                messages.success(request, _("Shift saved."))
                return redirect("workforce:shift_list", pk=team.pk)
        status = 400
    else:
        form = ShiftForm(
            team=team,
            initial={
                "name": shift.name,
                "start_time": shift.start_time,
                "end_time": shift.end_time,
                "members": list(shift.members.all()),
            },
        )
    context = {"team": team, "shift": shift, "form": form, "time_zone": str(team_time_zone(team))}
    return render(request, "workforce/shift_edit.html", context, status=status)


@manager_required
@require_POST
def shift_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _managed_shift(request, pk)
    team_pk = shift.team_id
    try:
        shift_delete(shift=shift, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Shift deleted."))
    return redirect("workforce:shift_list", pk=team_pk)


urlpatterns: list[URLPattern] = [
    path("handover/", handover_book_view, name="handover_book"),
    path("handover/new/", handover_new_view, name="handover_new"),
    path("handover/overview/", handover_overview_view, name="handover_overview"),
    path("handover/<id:pk>/", handover_detail_view, name="handover_detail"),
    path("handover/<id:pk>/acknowledge/", handover_acknowledge_view, name="handover_acknowledge"),
    path("teams/<id:pk>/shifts/", shift_list_view, name="shift_list"),
    path("shifts/<id:pk>/edit/", shift_edit_view, name="shift_edit"),
    path("shifts/<id:pk>/delete/", shift_delete_view, name="shift_delete"),
]
