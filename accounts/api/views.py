from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.lockout import LoginLockedOut, lockout_seconds_left
from accounts.models import User
from core.idempotency import idempotent_by_nature

USERNAME_MAX_LENGTH: int = User._meta.get_field("username").max_length or 150


class TokenInput(AuthTokenSerializer):
    # No longer than a username can be: a longer one is refused here, before the failed attempt is recorded
    # (django-axes' column holds 255 characters; PostgreSQL would refuse the row with a 500). The password is
    # bounded like every text field (4096, Django's own limit for a password form).
    username = serializers.CharField(label=_("Username"), max_length=USERNAME_MAX_LENGTH, write_only=True)
    password = serializers.CharField(
        label=_("Password"), style={"input_type": "password"}, trim_whitespace=False, write_only=True, max_length=4096
    )


class TokenCreateApi(ObtainAuthToken):
    """Exchange a username and password for the API token (``Authorization: Token <token>``).

    Failed attempts count towards the login lockout (django-axes, shared with /login/ and /admin/login/): a
    locked username or address gets 429 with ``Retry-After``, whatever the password."""

    # DRF's view names its own parsers (form, multipart, JSON); ours is JSON only, like every write of the
    # API, and limits the size and nesting of the body (core.parsers): a form or multipart body is a 415.
    parser_classes = APIView.parser_classes  # DEFAULT_PARSER_CLASSES
    serializer_class = TokenInput

    @extend_schema(request=TokenInput, responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}))
    @idempotent_by_nature  # the same credentials give the same token; a password is never fingerprinted
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        # Axes marks the DRF request it was handed (the authenticate() call in the serializer), which its
        # middleware never sees: the lockout is answered here, in the API's error body.
        if getattr(request, "axes_locked_out", False):
            raise LoginLockedOut(lockout_seconds_left(request, getattr(request, "axes_credentials", None)))
        if not valid:
            raise serializers.ValidationError(serializer.errors)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
