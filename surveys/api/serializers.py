from __future__ import annotations

from rest_framework import serializers


class SurveyAnswerOutput(serializers.Serializer):
    code = serializers.CharField(help_text="The question's code: professional, attitude, speed by default.")
    question = serializers.CharField(help_text="The question in the request's language.")
    score = serializers.IntegerField(min_value=1, max_value=5)


class SurveyResponseOutput(serializers.Serializer):
    submitted_at = serializers.DateTimeField()
    average_score = serializers.DecimalField(max_digits=4, decimal_places=3, coerce_to_string=True)
    lowest_score = serializers.IntegerField(min_value=1, max_value=5)
    solved = serializers.BooleanField(allow_null=True, help_text="Was the problem solved? null: not answered.")
    comment = serializers.CharField(allow_blank=True)
    answers = SurveyAnswerOutput(many=True)
    follow_up = serializers.ChoiceField(
        choices=["open", "done"], allow_null=True, help_text="A low score (≤ 2) opens a manager follow-up."
    )


class TicketSurveyOutput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["not_invited", "invited", "answered", "expired"],
        help_text="not_invited: the ticket is not resolved yet (or no survey is configured); invited: the link "
        "is waiting for the buyer; answered; expired: the link ran out unanswered.",
    )
    url = serializers.URLField(
        allow_null=True,
        help_text="The buyer's private link (signed, expiring, usable once) while status is invited; push it in "
        "your chat. null otherwise.",
    )
    invited_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    opened_at = serializers.DateTimeField(allow_null=True, help_text="When the buyer first opened the link.")
    response = SurveyResponseOutput(allow_null=True)
