from __future__ import annotations

from rest_framework import serializers

from core.limits import NOTE_MAX
from core.platforms import Platform

from ..enums import KeyState
from ..models import ApiKey, Integration
from ..scopes import Scope


class ApiKeyOutput(serializers.ModelSerializer):
    key_prefix = serializers.SerializerMethodField(help_text="The visible start of the key, to tell keys apart.")
    state = serializers.ChoiceField(choices=KeyState.values, read_only=True)
    replaced_by = serializers.IntegerField(source="replaced_by_id", read_only=True, allow_null=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "key_prefix",
            "state",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "replaced_by",
        ]

    def get_key_prefix(self, key: ApiKey) -> str:
        return f"hdk_{key.prefix}_"


class NewApiKeyOutput(serializers.Serializer):
    key = serializers.CharField(help_text="The API key. It is shown this once and never again: store it now.")
    api_key = ApiKeyOutput()


class IntegrationOutput(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))
    keys = ApiKeyOutput(many=True)

    class Meta:
        model = Integration
        fields = [
            "id",
            "name",
            "platform",
            "scopes",
            "rate_limit_per_minute",
            "is_active",
            "notes",
            "created_at",
            "keys",
        ]


class IntegrationCreatedOutput(IntegrationOutput):
    key = serializers.SerializerMethodField(
        help_text="The integration's first API key (listed in keys, named default). It is shown this once and "
        "never again: store it now."
    )

    class Meta(IntegrationOutput.Meta):
        fields = [*IntegrationOutput.Meta.fields, "key"]

    def get_key(self, integration: Integration) -> str:
        return str(self.context["key"])


class IntegrationCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True, default="")
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices), max_length=20)
    rate_limit_per_minute = serializers.IntegerField(min_value=1, max_value=100_000, default=600)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)


class IntegrationUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices), max_length=20, required=False)
    rate_limit_per_minute = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    is_active = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)


class ApiKeyCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ApiKeyRotateInput(serializers.Serializer):
    overlap_hours = serializers.FloatField(
        min_value=0, max_value=720, default=24, help_text="How long the old key keeps working (0: stops now)."
    )
