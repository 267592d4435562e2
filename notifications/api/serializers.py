"""Small input and output serializers for the notification API. No writes here: views call services."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.integers import MAX_ID

from ..models import Notification

# --- input ----------------------------------------------------------------------------------------------------


class NotificationListFilterInput(serializers.Serializer):
    unread = serializers.BooleanField(required=False, help_text="Only unread notifications (`unread=1`).")


class NotificationReadInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=1000,
        help_text="These notifications of yours (others' ids are ignored).",
    )
    all = serializers.BooleanField(required=False, default=False, help_text="Every unread notification of yours.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("all") == ("ids" in attrs):
            raise serializers.ValidationError(_('Send either "ids" or "all": true.'))
        return attrs


# --- output ---------------------------------------------------------------------------------------------


class NotificationOutput(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text="In the request's language.")
    link = serializers.CharField(
        source="url", read_only=True, help_text="What the notification is about (a path), or empty."
    )
    open_url = serializers.SerializerMethodField(help_text="Opening this marks it read and redirects to the link.")
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "verb", "text", "link", "open_url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_open_url(self, notification: Notification) -> str:
        return reverse("notifications:open", args=[notification.pk])


class NotificationUnreadCountOutput(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationReadOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are read now.")
    unread = serializers.IntegerField(help_text="How many unread ones are left.")
