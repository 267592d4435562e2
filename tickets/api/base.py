"""What other apps' ticket-shaped APIs share with the ticket API: who may call it, and the ticket a view is
about (complaints, after-sales and surveys build on these; they never import the ticket API's views)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from integrations.permissions import ApiKeyScope
from integrations.scopes import Scope

from ..access import may_read_notes, tickets_visible_to
from ..models import Ticket
from ..selectors import ticket_get_for_agent
from . import serializers as s


class CanUseTicketApi(BasePermission):
    message = _("Your account has no rights on tickets.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.can_use_ticket_api(request.user)


class IsManager(BasePermission):
    message = _("Managers only.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return roles.is_manager(request.user)


class TicketApiMixin(APIView):
    permission_classes = [ApiKeyScope, CanUseTicketApi]
    required_scopes = (Scope.TICKETS_READ, Scope.TICKETS_WRITE)

    def get_ticket(self, pk: int) -> Ticket:
        """The ticket named in the URL; 404 when it does not exist or the caller may not see it."""
        return get_object_or_404(tickets_visible_to(self.request.user), pk=pk)

    def detail_response(self, request: Request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        ticket = ticket_get_for_agent(pk=pk, user=request.user)
        if ticket is None:
            raise Http404
        context = {"request": request, "may_read_notes": may_read_notes(request.user)}
        return Response(s.TicketDetailOutput(ticket, context=context).data, status=status_code)
