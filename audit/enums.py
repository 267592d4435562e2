from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    """What an audit entry records. Stored as the code; shown in the reader's language."""

    CONTACT_REVEALED = "contact_revealed", _("Contact details revealed")
    CUSTOMER_VIEWED = "customer_viewed", _("Buyer profile viewed")
    EXPORTED = "exported", _("Data exported")
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    API_KEY_CREATED = "api_key_created", _("API key created")
    API_KEY_ROTATED = "api_key_rotated", _("API key rotated")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
    LOGGED_IN = "logged_in", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    # For the login lockout (django-axes): an account locked after failed log-ins, and unlocked again.
    LOCKED_OUT = "locked_out", _("Locked out")
    UNLOCKED = "unlocked", _("Unlocked")


# A failed log-in's details say {"refused": REFUSED_LOCKED} when a login lockout refused it without trying the
# password (``audit.receivers``).
REFUSED_LOCKED = "locked"


class AuditSource(TextChoices):
    """Where the action came from, read from the request's path (``audit.services.source_for_path``)."""

    PAGE = "page", _("Page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin site")
    SYSTEM = "system", _("System")
