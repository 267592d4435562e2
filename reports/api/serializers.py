"""Output shapes of the reports API (for the OpenAPI document; the report body itself is streamed)."""

from __future__ import annotations

from rest_framework import serializers

from ..registry import COLUMN_TYPES


class ReportColumnOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # (DRF pops declared fields off the class)
    type = serializers.ChoiceField(
        choices=COLUMN_TYPES,
        help_text="text; int (a count); rate (a share 0–1); seconds (a duration); score (mean 1–5); date (ISO).",
    )


class ReportSummaryOutput(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    on_dashboard = serializers.BooleanField()
    columns = ReportColumnOutput(many=True)


class ReportFiltersOutput(serializers.Serializer):
    start = serializers.DateField(help_text="First local day, inclusive.")
    end = serializers.DateField(help_text="Last local day, inclusive.")
    team = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(allow_blank=True, help_text="Empty: every kind.")
    channel = serializers.CharField(allow_blank=True, help_text="Empty: every channel.")


class ReportOutput(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    filters = ReportFiltersOutput()
    columns = ReportColumnOutput(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One object per row, keyed by the columns' keys; null where there is nothing to measure.",
    )
