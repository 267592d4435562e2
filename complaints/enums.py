from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Severity(TextChoices):
    NORMAL = "normal", _("Normal")
    SERIOUS = "serious", _("Serious")
    CRITICAL = "critical", _("Critical")


# Message ids of the labels, for texts stored untranslated (timeline, notifications) and translated when shown.
SEVERITY_LABEL_IDS = {"normal": "Normal", "serious": "Serious", "critical": "Critical"}

SEVERITY_RANK: dict[str, int] = {Severity.NORMAL: 0, Severity.SERIOUS: 1, Severity.CRITICAL: 2}


class ReviewOutcome(TextChoices):
    PENDING = "pending", _("Not settled yet")
    REVISED = "revised", _("Review revised by the buyer")
    EXPLAINED = "explained", _("Explained publicly")
    UNCHANGED = "unchanged", _("Unchanged")
