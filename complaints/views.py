from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tickets.views import agent_required


@agent_required
def queue_view(request: HttpRequest) -> HttpResponse:
    return redirect("/?view=open&kind=complaint")
