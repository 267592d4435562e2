"""Skills, agents' work profiles, teams' work settings and the team board over the API (scopes
``workforce:read`` / ``workforce:write``). Managers reach their teams and those teams' members, admins all; an
agent only reads their own work profile. A shop platform's key (bound to one platform) gets a 403: these are
the helpdesk's own settings, open to a key of an integration with no platform."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from integrations.idempotency import idempotent
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope
from tickets.models import Team

from ..models import Skill
from ..selectors_board import (
    AT_RISK_WINDOW,
    AgentRow,
    BoardTicket,
    agent_rows,
    managed_agents,
    managed_teams,
    may_use_work_settings,
    skill_list,
    team_board,
    team_settings_or_default,
)
from ..services import settings as work_settings
from . import board_serializers as s


class CanUseWorkSettings(BasePermission):
    message = gettext_lazy(
        "Work settings and the team board are open to managers and admins (and to the key of an integration with "
        "no platform)."
    )

    def has_permission(self, request: Any, view: Any) -> bool:
        return may_use_work_settings(request.user)


class CanReachWorkProfiles(BasePermission):
    """Agents too: each reads their own work profile."""

    message = CanUseWorkSettings.message

    def has_permission(self, request: Any, view: Any) -> bool:
        return may_use_work_settings(request.user) or roles.is_agent(request.user)


class WorkforceApi(APIView):
    permission_classes = [ApiKeyScope, CanUseWorkSettings]
    required_scopes = (Scope.WORKFORCE_READ, Scope.WORKFORCE_WRITE)


# --- skills ---------------------------------------------------------------------------------------------------


def _skill(skill: Skill) -> dict[str, Any]:
    return {"id": skill.pk, "name": skill.name, "description": skill.description}


class SkillListCreateApi(WorkforceApi):
    @extend_schema(responses=s.SkillOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(s.SkillOutput([_skill(skill) for skill in skill_list()], many=True).data)

    @extend_schema(request=s.SkillCreateInput, responses={201: s.SkillOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.SkillCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        skill = work_settings.skill_create(actor=request.user, **data.validated_data)
        return Response(s.SkillOutput(_skill(skill)).data, status=status.HTTP_201_CREATED)


class SkillDetailApi(WorkforceApi):
    @extend_schema(responses=s.SkillOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.SkillOutput(_skill(get_object_or_404(Skill, pk=pk))).data)

    @extend_schema(request=s.SkillUpdateInput, responses=s.SkillOutput)
    def patch(self, request: Request, pk: int) -> Response:
        skill = get_object_or_404(Skill, pk=pk)
        data = s.SkillUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        skill = work_settings.skill_update(actor=request.user, skill=skill, **data.validated_data)
        return Response(s.SkillOutput(_skill(skill)).data)

    @extend_schema(
        responses={
            204: OpenApiResponse(description="Deleted: agents lose the skill, tickets no longer require it."),
        }
    )
    def delete(self, request: Request, pk: int) -> Response:
        work_settings.skill_delete(actor=request.user, skill=get_object_or_404(Skill, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- an agent's work profile ----------------------------------------------------------------------------------


def _work_profile(row: AgentRow) -> dict[str, Any]:
    user = row.user
    return {
        "user_id": user.pk,
        "username": user.get_username(),
        "name": str(user),
        "capacity": row.profile.capacity,
        "skills": [_skill(skill) for skill in row.skills],
        "teams": [{"id": team.pk, "name": team.name} for team in row.teams],
        "presence": row.profile.status,
        "presence_since": row.profile.status_since if row.profile.pk else None,
        "load": row.load,
    }


class AgentWorkProfileApi(WorkforceApi):
    permission_classes = [ApiKeyScope, CanReachWorkProfiles]

    def _agent(self, request: Request, pk: int, *, write: bool) -> Any:
        user = request.user
        if not may_use_work_settings(user):
            # An agent reads their own profile and nothing else; the answer does not depend on whether the id
            # exists.
            if write or pk != user.pk:
                raise PermissionDenied(CanUseWorkSettings.message)
            return user
        if pk == user.pk and not write:
            return get_object_or_404(type(user).objects.filter(is_active=True), pk=pk)
        return get_object_or_404(managed_agents(user), pk=pk)

    def _response(self, request: Request, agent: Any) -> Response:
        (row,) = agent_rows(user=request.user, agents=[agent])
        return Response(s.WorkProfileOutput(_work_profile(row)).data)

    @extend_schema(responses=s.WorkProfileOutput)
    def get(self, request: Request, pk: int) -> Response:
        return self._response(request, self._agent(request, pk, write=False))

    @extend_schema(request=s.WorkProfileUpdateInput, responses=s.WorkProfileOutput)
    def patch(self, request: Request, pk: int) -> Response:
        agent = self._agent(request, pk, write=True)
        data = s.WorkProfileUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        work_settings.agent_work_profile_update(
            actor=request.user,
            user=agent,
            capacity=data.validated_data.get("capacity"),
            skills=data.validated_data.get("skills"),
        )
        return self._response(request, agent)


# --- a team's work settings -----------------------------------------------------------------------------------


def _team_settings(team: Team) -> dict[str, Any]:
    settings = team_settings_or_default(team)
    return {
        "team": {"id": team.pk, "name": team.name},
        "assignment_mode": settings.assignment_mode,
        "assignment_paused": settings.assignment_paused,
        "capacity_override": settings.capacity_override,
        "hand_back_on_offline": settings.hand_back_on_offline,
        "members_count": team.members.count(),
    }


class TeamWorkSettingsApi(WorkforceApi):
    def _team(self, pk: int) -> Team:
        # Another manager's team is a 404: its existence is not ours to tell.
        return get_object_or_404(managed_teams(self.request.user).select_related("work_settings"), pk=pk)

    @extend_schema(responses=s.TeamWorkSettingsOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.TeamWorkSettingsOutput(_team_settings(self._team(pk))).data)

    @extend_schema(request=s.TeamWorkSettingsUpdateInput, responses=s.TeamWorkSettingsOutput)
    def patch(self, request: Request, pk: int) -> Response:
        team = self._team(pk)
        data = s.TeamWorkSettingsUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        work_settings.team_work_settings_update(actor=request.user, team=team, **data.validated_data)
        team = self._team(pk)  # the settings row as saved
        return Response(s.TeamWorkSettingsOutput(_team_settings(team)).data)


# --- the board ------------------------------------------------------------------------------------------------


def _board_ticket(item: BoardTicket) -> dict[str, Any]:
    ticket = item.ticket
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "assignee_id": ticket.assignee_id,
        "due_at": item.due_at,
        "seconds": item.seconds,
    }


class BoardApi(WorkforceApi):
    @extend_schema(responses=s.BoardOutput)
    def get(self, request: Request) -> Response:
        board = team_board(user=request.user)
        body = {
            "generated_at": board.now,
            "at_risk_window_seconds": int(AT_RISK_WINDOW.total_seconds()),
            "teams": [
                {
                    "team": {"id": row.team.pk, "name": row.team.name},
                    "assignment_mode": row.settings.assignment_mode,
                    "assignment_paused": row.settings.assignment_paused,
                    "capacity_override": row.settings.capacity_override,
                    "agents": [
                        {
                            "id": agent.user.pk,
                            "username": agent.user.get_username(),
                            "name": str(agent.user),
                            "presence": agent.status,
                            "presence_since": agent.status_since,
                            "load": agent.load,
                            "capacity": agent.capacity,
                        }
                        for agent in row.agents
                    ],
                    "waiting_count": row.waiting_count,
                    "oldest_waiting_since": row.oldest_waiting_since,
                    "oldest_wait_seconds": row.oldest_wait_seconds,
                    "at_risk_count": row.at_risk_count,
                    "at_risk": [_board_ticket(item) for item in row.at_risk],
                    "overdue_count": row.overdue_count,
                    "overdue": [_board_ticket(item) for item in row.overdue],
                }
                for row in board.teams
            ],
        }
        return Response(s.BoardOutput(body).data)


urlpatterns = [
    path("skills/", SkillListCreateApi.as_view(), name="workforce-skill-list"),
    path("skills/<id:pk>/", SkillDetailApi.as_view(), name="workforce-skill-detail"),
    path("agents/<id:pk>/work-profile/", AgentWorkProfileApi.as_view(), name="workforce-agent-work-profile"),
    path("teams/<id:pk>/work-settings/", TeamWorkSettingsApi.as_view(), name="workforce-team-work-settings"),
    path("board/", BoardApi.as_view(), name="workforce-board"),
]
