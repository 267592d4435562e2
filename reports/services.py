"""Writes of the reports app: the improvement actions managers record against satisfaction periods, and the
audit entry of every export."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from audit.enums import AuditAction
from audit.services import audit_record
from core.actors import Actor, actor_or_none
from core.errors import ValidationFailed

from .export import filters_json
from .models import ImprovementAction
from .registry import ReportResult

# A month ("2026-11") or a quarter ("2026-Q4"), as the CSAT reports name their periods.
PERIOD_PATTERN = re.compile(r"^(?:19|20|21)\d\d-(?:0[1-9]|1[0-2]|Q[1-4])$")
TEXT_MAX_LENGTH = 500


@transaction.atomic
def improvement_action_add(*, period: str, text: str, actor: Actor) -> ImprovementAction:
    """Record what a manager decided to do about a month's or a quarter's satisfaction.

    ``period`` is "2026-11" or "2026-Q4" (the CSAT tables' period column); ``text`` is 1–500 characters once
    trimmed. Raises ``ValidationFailed`` naming the field otherwise. ``actor`` is stored as the author.
    """
    period = (period or "").strip().upper()
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not PERIOD_PATTERN.match(period):
        errors["period"] = [_("Enter a month as 2026-11 or a quarter as 2026-Q4.")]
    if not text:
        errors["text"] = [_("Describe the action.")]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [_("Keep it to %(limit)d characters.") % {"limit": TEXT_MAX_LENGTH}]
    if errors:
        raise ValidationFailed(_("The improvement action was not saved."), fields=errors)
    return ImprovementAction.objects.create(period=period, text=text, created_by=actor_or_none(actor))


def report_export_record(*, result: ReportResult, export_format: str, actor: Actor) -> None:
    """Log that ``actor`` downloaded a report (``export_format``: csv, xlsx or json) with its filters. Call it
    once the report ran (an unknown report or bad filters export nothing) and before the data goes out."""
    audit_record(
        action=AuditAction.EXPORTED,
        actor=actor,
        target_label=result.name,
        details={"format": export_format, "filters": filters_json(result.filters)},
    )
