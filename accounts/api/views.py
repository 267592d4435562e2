from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken


class TokenCreateApi(ObtainAuthToken):
    """Exchange a username and password for the API token (``Authorization: Token <token>``)."""

    @extend_schema(responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}))
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().post(request, *args, **kwargs)
