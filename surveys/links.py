"""The buyer's private survey link: a token signed with the secret key over the invitation and a random
nonce. Reading a link never writes."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import status

from core.errors import ApplicationError, Conflict, NotFound

from .models import SurveyInvitation

SALT = "helpdesk.survey-invitation"


class SurveyExpired(ApplicationError):
    status_code = status.HTTP_410_GONE
    code = "survey_expired"


class SurveyAlreadyAnswered(Conflict):
    code = "survey_already_answered"


class SurveyLinkInvalid(NotFound):
    code = "survey_link_invalid"


def survey_token(invitation: SurveyInvitation) -> str:
    """The signed token in the buyer's link: the invitation id and its random nonce, signed with the secret key."""
    # No timestamp in it (the invitation's own expiry counts), so the link is the same in the e-mail, the
    # webhook, the API and on the ticket page, and stays the same when the invitation is re-issued.
    return signing.Signer(salt=SALT).sign_object([invitation.pk, invitation.nonce], compress=True)


def survey_url(invitation: SurveyInvitation) -> str:
    path = reverse("surveys:answer", args=[survey_token(invitation)])
    return f"{settings.HELPDESK_PUBLIC_URL.rstrip('/')}{path}"


def invitation_from_token(token: str) -> SurveyInvitation:
    """The invitation a link names. A tampered, truncated or forged token is ``SurveyLinkInvalid`` (404)."""
    try:
        if token.count(":") == 2:  # a link issued before links stopped carrying a timestamp
            value = signing.loads(token[:500], salt=SALT)
        else:
            value = signing.Signer(salt=SALT).unsign_object(token[:500])
    except (signing.BadSignature, ValueError):  # ValueError: a signed value that is not our payload
        value = None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)):
        raise SurveyLinkInvalid(_("This survey link is not valid. Please use the link exactly as we sent it."))
    invitation = SurveyInvitation.objects.select_related("survey", "ticket").filter(pk=value[0], nonce=value[1]).first()
    if invitation is None:
        raise SurveyLinkInvalid(_("This survey link is not valid. Please use the link exactly as we sent it."))
    return invitation
