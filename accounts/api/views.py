from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.views import APIView


class TokenCreateInput(AuthTokenSerializer):
    # Bounded like every text field (Django's own limits: 150 for a username, 4096 for a password form).
    username = serializers.CharField(label=_("Username"), write_only=True, max_length=150)
    password = serializers.CharField(
        label=_("Password"), style={"input_type": "password"}, trim_whitespace=False, write_only=True, max_length=4096
    )


class TokenCreateApi(ObtainAuthToken):
    """Exchange a username and password for the API token (``Authorization: Token <token>``)."""

    # DRF's view names its own parsers; ours (core.parsers) limit the size and nesting of the body.
    parser_classes = APIView.parser_classes  # DEFAULT_PARSER_CLASSES
    serializer_class = TokenCreateInput

    @extend_schema(responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}))
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().post(request, *args, **kwargs)
