"""What an API key may do. A view names the scope it needs for reading and for writing (``required_scopes``)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Scope(TextChoices):
    TICKETS_READ = "tickets:read", _("Read tickets, complaints and their messages")
    TICKETS_WRITE = "tickets:write", _("Create tickets and complaints, add messages, change tickets")
    NOTES_READ = "notes:read", _("Read the helpdesk's internal notes on tickets")
    CUSTOMERS_READ = "customers:read", _("Read buyer profiles and their linked accounts")
    CUSTOMERS_WRITE = "customers:write", _("Link and unlink buyer accounts")
    ORDERS_READ = "orders:read", _("Read orders")
    ORDERS_WRITE = "orders:write", _("Create and update orders (bulk sync)")
    AFTERSALES_READ = "aftersales:read", _("Read return and exchange requests")
    AFTERSALES_WRITE = "aftersales:write", _("Create return and exchange requests, add evidence, answer offers")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook endpoints and see deliveries")
    REPORTS_READ = "reports:read", _("Read reports (aggregates and the per-ticket raw data)")
    WORKFORCE_READ = "workforce:read", _("Read routing rules, skills, shifts, presence, the team board and handovers")
    WORKFORCE_WRITE = "workforce:write", _("Change routing rules, skills, shifts and assignment settings")
    REPLIES_READ = (
        "replies:read",
        _(
            "Read the reply toolkit: global canned replies (and fill them for a ticket), wording rules, and check a reply against them"
        ),
    )
    REPLIES_WRITE = "replies:write", _("Change the reply toolkit: wording rules")
    KB_READ = "kb:read", _("Read the knowledge base's published public articles and its categories")
    KB_WRITE = "kb:write", _("Write knowledge-base articles as drafts (import)")


ALL_SCOPES = [scope.value for scope in Scope]
