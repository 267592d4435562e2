from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class KeyState(TextChoices):
    """Where an API key is in its life (``ApiKey.state``), worked out from its dates, never stored. The API gives
    the code; the admin shows the label."""

    ACTIVE = "active", _("Active")
    # A rotated key in its overlap, or a key given an end date: it works until ``expires_at``.
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
