from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tickets.views import agent_required


@agent_required
def queue_view(request: HttpRequest) -> HttpResponse:
    """Placeholder until the after-sales queue exists: the inbox filtered to after-sales tickets."""
    return redirect("/?view=open&kind=aftersales")
