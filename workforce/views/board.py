"""The team board (live, for managers) and the work-settings pages: teams' auto-assignment settings, agents'
capacity and skills, the skills catalogue. Managers see and change their own teams and those teams' members;
admins everything; agents get a 403. Another manager's team or agent is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import manager_required
from core.errors import ApplicationError
from core.forms import form_add_error

from ..forms_board import AgentWorkProfileForm, SkillForm, TeamWorkSettingsForm
from ..models import Skill
from ..selectors_board import (
    AT_RISK_WINDOW,
    agent_profile_or_default,
    agent_rows,
    managed_agents,
    managed_teams,
    skill_list,
    team_board,
    team_settings_or_default,
    team_settings_rows,
)
from ..services import settings as work_settings

BOARD_POLL_SECONDS = 5


# --- the board ------------------------------------------------------------------------------------------------


def _board_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "board": team_board(user=request.user),
        "at_risk_minutes": int(AT_RISK_WINDOW.total_seconds() // 60),
        "poll_seconds": BOARD_POLL_SECONDS,
    }


@manager_required
def board_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workforce/board.html", _board_context(request))


@manager_required
def board_live_view(request: HttpRequest) -> HttpResponse:
    """The board's body, polled by the page (htmx, every few seconds) so it stays current without a reload."""
    response = render(request, "workforce/_board_teams.html", _board_context(request))
    response["Cache-Control"] = "no-store"
    return response


# --- teams ----------------------------------------------------------------------------------------------------


@manager_required
def team_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workforce/teams.html", {"rows": team_settings_rows(user=request.user)})


@manager_required
def team_settings_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(managed_teams(request.user), pk=pk)
    current = team_settings_or_default(team)
    status = 200
    if request.method == "POST":
        form = TeamWorkSettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                work_settings.team_work_settings_update(
                    actor=request.user,
                    team=team,
                    assignment_mode=data["assignment_mode"],
                    assignment_paused=data["assignment_paused"],
                    capacity_override=data["capacity_override"],
                    hand_back_on_offline=data["hand_back_on_offline"],
                )
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                messages.success(request, _("Work settings of %(team)s saved.") % {"team": team})
                return redirect("workforce:work-teams")
        status = 400
    else:
        form = TeamWorkSettingsForm(
            initial={
                "assignment_mode": current.assignment_mode,
                "assignment_paused": current.assignment_paused,
                "capacity_override": current.capacity_override,
                "hand_back_on_offline": current.hand_back_on_offline,
            }
        )
    return render(request, "workforce/team_settings.html", {"team": team, "form": form}, status=status)


@manager_required
@require_POST
def team_pause_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-click Pause / Resume of a team's auto-assignment (``paused`` = 1 or 0)."""
    team = get_object_or_404(managed_teams(request.user), pk=pk)
    paused = request.POST.get("paused") == "1"
    try:
        work_settings.team_work_settings_update(actor=request.user, team=team, assignment_paused=paused)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if paused:
            messages.success(request, _("Auto-assignment of %(team)s paused.") % {"team": team})
        else:
            messages.success(request, _("Auto-assignment of %(team)s resumed.") % {"team": team})
    return redirect("workforce:board" if request.POST.get("next") == "board" else "workforce:work-teams")


# --- agents ---------------------------------------------------------------------------------------------------


@manager_required
def agent_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workforce/agents.html", {"rows": agent_rows(user=request.user)})


@manager_required
def agent_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    agent = get_object_or_404(managed_agents(request.user), pk=pk)
    status = 200
    if request.method == "POST":
        form = AgentWorkProfileForm(request.POST)
        if form.is_valid():
            try:
                work_settings.agent_work_profile_update(
                    actor=request.user,
                    user=agent,
                    capacity=form.cleaned_data["capacity"],
                    skills=list(form.cleaned_data["skills"]),
                )
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                messages.success(request, _("Capacity and skills of %(agent)s saved.") % {"agent": agent})
                return redirect("workforce:work-agents")
        status = 400
    else:
        profile = agent_profile_or_default(agent)
        skills = list(profile.skills.all()) if profile.pk else []
        form = AgentWorkProfileForm(initial={"capacity": profile.capacity, "skills": skills})
    (row,) = agent_rows(user=request.user, agents=[agent])
    return render(request, "workforce/agent_edit.html", {"agent": agent, "row": row, "form": form}, status=status)


# --- skills ---------------------------------------------------------------------------------------------------


@manager_required
def skill_list_view(request: HttpRequest) -> HttpResponse:
    status = 200
    form = SkillForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                skill = work_settings.skill_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                messages.success(request, _("Skill %(skill)s added.") % {"skill": skill})
                return redirect("workforce:work-skills")
        status = 400
    return render(request, "workforce/skills.html", {"skills": skill_list(), "form": form}, status=status)


@manager_required
def skill_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)
    status = 200
    if request.method == "POST":
        form = SkillForm(request.POST)
        if form.is_valid():
            try:
                work_settings.skill_update(actor=request.user, skill=skill, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_error(form, exc)
            else:
                messages.success(request, _("Skill %(skill)s saved.") % {"skill": skill})
                return redirect("workforce:work-skills")
        status = 400
    else:
        form = SkillForm(initial={"name": skill.name, "description": skill.description})
    return render(request, "workforce/skill_edit.html", {"skill": skill, "form": form}, status=status)


@manager_required
@require_POST
def skill_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk)
    name = skill.name
    try:
        work_settings.skill_delete(actor=request.user, skill=skill)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Skill %(skill)s deleted.") % {"skill": name})
    return redirect("workforce:work-skills")


urlpatterns = [
    path("board/", board_view, name="board"),
    path("board/live/", board_live_view, name="board-live"),
    path("teams/", team_list_view, name="work-teams"),
    path("teams/<id:pk>/settings/", team_settings_view, name="work-team-settings"),
    path("teams/<id:pk>/pause/", team_pause_view, name="work-team-pause"),
    path("agents/", agent_list_view, name="work-agents"),
    path("agents/<id:pk>/", agent_edit_view, name="work-agent"),
    path("skills/", skill_list_view, name="work-skills"),
    path("skills/<id:pk>/", skill_edit_view, name="work-skill"),
    path("skills/<id:pk>/delete/", skill_delete_view, name="work-skill-delete"),
]
