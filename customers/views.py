from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from helpdesk.errors import Forbidden

from .models import Customer
from .services import customer_contact_reveal


@login_required
@require_POST
def contact_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The unmasked phone and e-mail, as a fragment for the ticket page. Logged."""
    customer = get_object_or_404(Customer, pk=pk)
    try:
        contact = customer_contact_reveal(customer=customer, user=request.user, context=request.GET.get("context", ""))
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    return render(request, "customers/_contact.html", {**contact, "masked": False})
