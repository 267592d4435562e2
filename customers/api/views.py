from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Customer
from ..services import customer_contact_reveal


class CustomerContactRevealApi(APIView):
    """The customer's unmasked phone and e-mail, for roles allowed to see them (managers, admins). Every call
    is logged with the caller and the optional ``context``."""

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("context", str, description="Where it is shown, e.g. a ticket reference.")],
        responses=inline_serializer(
            "CustomerContactOutput", {"phone": serializers.CharField(), "email": serializers.CharField()}
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        customer = get_object_or_404(Customer, pk=pk)
        return Response(
            customer_contact_reveal(
                customer=customer, user=request.user, context=request.query_params.get("context", "")
            )
        )
