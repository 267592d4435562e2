"""Notification API: one view per operation. Every view serves the caller's own notifications only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StandardCursorPagination
from integrations.idempotency import idempotent

from ..models import Notification
from ..selectors import notification_list, notification_unread_count
from ..services import notifications_mark_read
from . import serializers as s


class NotificationCursorPagination(StandardCursorPagination):
    pass


class NotificationListApi(ListAPIView):
    """Your notifications, newest first, cursor-paginated; ``?unread=1`` for the unread ones only."""

    serializer_class = s.NotificationOutput
    pagination_class = NotificationCursorPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Notification.objects.none()
        filters = s.NotificationListFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return notification_list(user=self.request.user, unread_only=filters.validated_data.get("unread", False))

    @extend_schema(parameters=[s.NotificationListFilterInput])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationUnreadCountApi(APIView):
    """How many of your notifications are unread (the number on the bell)."""

    @extend_schema(responses=s.NotificationUnreadCountOutput)
    def get(self, request: Request) -> Response:
        return Response({"unread": notification_unread_count(user=request.user)})


class NotificationMarkReadApi(APIView):
    """Mark some of your notifications read (``{"ids": [...]}``) or all of them (``{"all": true}``)."""

    @extend_schema(request=s.NotificationReadInput, responses=s.NotificationReadOutput)
    @idempotent
    def post(self, request: Request) -> Response:
        data = s.NotificationReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = None if data.validated_data["all"] else data.validated_data["ids"]
        marked = notifications_mark_read(user=request.user, ids=ids)
        return Response({"marked": marked, "unread": notification_unread_count(user=request.user)})
