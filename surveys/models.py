"""Satisfaction surveys (满意度调查): the questionnaire, the buyer's private invitation, and the answers.

Every write goes through ``surveys.services``. A ticket has at most one invitation and so at most one response:
CSAT counts each ticket once. Responses keep the agent and team the ticket had when it was resolved.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.enums import TicketKind
from tickets.models import Team, Ticket

MIN_SCORE, MAX_SCORE = 1, 5
LOW_SCORE = 2  # a score at or below this on any dimension opens a manager follow-up


class Survey(models.Model):
    """A questionnaire. The active survey that matches the ticket's kind (or any kind) is used; see services."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(
        _("ticket kind"),
        max_length=20,
        choices=TicketKind.choices,
        blank=True,
        help_text=_("Blank: used for every kind without a survey of its own."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    ask_solved = models.BooleanField(_("ask whether the problem was solved"), default=True)
    ask_comment = models.BooleanField(_("ask for a comment"), default=True)
    valid_days = models.PositiveSmallIntegerField(
        _("link valid for (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    intro_zh = models.CharField(_("introduction (Chinese)"), max_length=300, blank=True)
    intro_en = models.CharField(_("introduction (English)"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class SurveyDimension(models.Model):
    """One 1–5 rating question, e.g. 专业水平 (professional level)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("survey"))
    code = models.SlugField(_("code"), max_length=40, help_text=_("Stable key used in reports, the API and webhooks."))
    label_zh = models.CharField(_("question (Chinese)"), max_length=100)
    label_en = models.CharField(_("question (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rating question")
        verbose_name_plural = _("rating questions")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="survey_dimension_code_once")]

    def __str__(self) -> str:
        return f"{self.label_zh} / {self.label_en}"

    def label(self, language: str | None) -> str:
        return self.label_zh if (language or "").lower().startswith("zh") else self.label_en


class SurveyInvitation(models.Model):
    """The buyer's private, signed, expiring, one-use link to a ticket's survey."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="survey_invitation", verbose_name=_("ticket")
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("survey"))
    nonce = models.CharField(_("nonce"), max_length=32, unique=True, editable=False)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    # The resolution this invitation was (re)issued for: resolving the same ticket again after a reopen
    # re-issues an unanswered invitation once, however many listeners ask for the link in that transaction.
    issued_for = models.DateTimeField(_("issued for the resolution at"))
    expires_at = models.DateTimeField(_("expires at"))
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_count = models.PositiveSmallIntegerField(_("e-mails sent"), default=0)
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The e-mail recovery looks through a day of unanswered invitations.
            models.Index(
                fields=["issued_for"], condition=models.Q(completed_at__isnull=True), name="survey_invitation_open_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} survey"

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class SurveyResponse(models.Model):
    """A buyer's answers. Agent and team are the ticket's when it was resolved (the invitation's snapshot)."""

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response", verbose_name=_("invitation")
    )
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="survey_response", verbose_name=_("ticket")
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses", verbose_name=_("team")
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Mean and lowest of the dimension scores, kept with the response so reports need not join the answers.
    average_score = models.DecimalField(_("average score"), max_digits=4, decimal_places=3)
    lowest_score = models.PositiveSmallIntegerField(_("lowest score"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["submitted_at"], name="survey_response_submitted_idx"),
            models.Index(fields=["agent", "submitted_at"], name="survey_response_agent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.average_score}"

    @property
    def is_low(self) -> bool:
        return self.lowest_score <= LOW_SCORE


class SurveyAnswer(models.Model):
    """One dimension's score. ``code`` is copied from the dimension so reports survive edits to the survey."""

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    dimension = models.ForeignKey(
        SurveyDimension, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    code = models.SlugField(_("code"), max_length=40)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)]
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "dimension__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=Q(score__gte=MIN_SCORE) & Q(score__lte=MAX_SCORE), name="survey_answer_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.score}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class SurveyFollowUp(models.Model):
    """A low score (≤ 2 on any dimension) sent to the team's managers: call the buyer back (回访), record it."""

    response = models.OneToOneField(
        SurveyResponse, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("response")
    )
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("low-score follow-up")
        verbose_name_plural = _("low-score follow-ups")
        ordering = ["status", "due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="survey_follow_up_open_idx")]

    def __str__(self) -> str:
        return f"{self.response.ticket_id} follow-up"
