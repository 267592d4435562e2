from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from accounts.lockout import LoginLockedOut, lockout_seconds_left


class TokenCreateApi(ObtainAuthToken):
    """Exchange a username and password for the API token (``Authorization: Token <token>``).

    Failed attempts count towards the login lockout (django-axes, shared with /login/ and /admin/login/): a
    locked username or address gets 429 with ``Retry-After``, whatever the password."""

    @extend_schema(responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}))
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
