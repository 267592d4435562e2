"""Private tracking links: a buyer follows their ticket's progress (DESIGN rule 9) without an account.

The link carries a signed ticket id (Django's signing with the secret key and its own salt): unguessable, not
enumerable, and it keeps working for the life of the ticket. Rotating ``DJANGO_SECRET_KEY`` voids every link.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Ticket

SALT = "helpdesk.ticket-tracking"


def tracking_token(ticket: Ticket) -> str:
    # No timestamp in it: the same link in the apology, the webhook, the API and on the ticket page.
    return signing.Signer(salt=SALT).sign_object(ticket.pk, compress=True)


def ticket_from_tracking_token(token: str) -> Ticket | None:
    try:
        if token.count(":") == 2:  # a link issued before links stopped carrying a timestamp
            pk = signing.loads(token, salt=SALT)
        else:
            pk = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):  # ValueError: a signed value that is not our payload
        return None
    if not isinstance(pk, int):
        return None
    return Ticket.objects.select_related("customer").filter(pk=pk).first()


def tracking_url(ticket: Ticket) -> str:
    path = reverse("tracking", args=[tracking_token(ticket)])
    return f"{settings.HELPDESK_PUBLIC_URL.rstrip('/')}{path}"
