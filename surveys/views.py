"""Survey pages: the buyer's answer page (private link, no login), the panel on the ticket page, and the
managers' low-score follow-ups and responses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.decorators import manager_required
from core.errors import ApplicationError
from tickets.access import visible_tickets_q
from tickets.models import Ticket

from . import links, selectors, services
from .models import FollowUpStatus, SurveyAnswer, SurveyFollowUp, SurveyInvitation, SurveyResponse

LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "en": "en"}


def _language(request: HttpRequest) -> str:
    asked = (request.POST.get("lang") or request.GET.get("lang") or "").lower()
    if asked in LANGUAGES:
        return LANGUAGES[asked]
    return "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "zh-hans"


def _message_page(request: HttpRequest, *, title: str, text: str, status: int, tone: str = "info") -> HttpResponse:
    return render(request, "surveys/message.html", {"title": title, "text": text, "tone": tone}, status=status)


@csrf_exempt
def answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """The buyer's survey. Every refusal is a page with a clear message and a 4xx, never a 500.

    No CSRF cookie: the signed one-use token in the URL is the capability (a forger would need it, and with it
    could answer anyway), and buyers open the link in platform chat web views that often refuse cookies or
    send no Referer (the page itself sends none, so the token never leaks to another site).
    """
    language = _language(request)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        try:
            invitation = links.invitation_from_token(token)
        except links.SurveyLinkInvalid as exc:
            return _message_page(request, title=_("Link not valid"), text=exc.message, status=404, tone="error")
        if invitation.completed_at is not None:
            if request.method == "POST":
                return _message_page(
                    request,
                    title=_("Already answered"),
                    text=_("You have already answered this survey. Thank you!"),
                    status=409,
                )
            return _message_page(
                request,
                title=_("Thank you!"),
                text=_("We have your answers. Thank you for helping us improve."),
                status=200,
                tone="success",
            )
        if invitation.is_expired():
            return _message_page(
                request,
                title=_("Link expired"),
                text=_("This survey link has expired. If you still want to tell us how we did, just write to us."),
                status=410,
                tone="error",
            )
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        error_message = ""
        status = 200
        if request.method == "POST":
            services.survey_mark_opened(invitation)  # answered without script: it was opened all the same
            dimensions = selectors.active_dimensions(invitation.survey)
            scores = {d.code: request.POST.get(f"score_{d.code}", "") for d in dimensions}
            values = {
                "scores": scores,
                "solved": request.POST.get("solved", ""),
                "comment": request.POST.get("comment", ""),
            }
            try:
                services.survey_submit(
                    invitation=invitation,
                    scores=scores,
                    solved=values["solved"],
                    comment=values["comment"],
                    language=language,
                )
            except links.SurveyAlreadyAnswered as exc:
                return _message_page(request, title=_("Already answered"), text=exc.message, status=409)
            except links.SurveyExpired as exc:
                return _message_page(request, title=_("Link expired"), text=exc.message, status=410, tone="error")
            except ApplicationError as exc:
                errors, error_message, status = exc.fields, exc.message, 400
            else:
                return redirect(f"{request.path}?lang={'en' if language == 'en' else 'zh'}")
        # A GET never writes: link previews and mail scanners fetch it too. The page itself reports that it was
        # opened, by a POST to opened_view (see answer.html).
        context = _answer_context(invitation, language, values, errors, error_message)
        context["opened_url"] = reverse("surveys:opened", args=[token]) if invitation.opened_at is None else ""
        return render(request, "surveys/answer.html", context, status=status)


@csrf_exempt
@require_POST
def opened_view(request: HttpRequest, token: str) -> HttpResponse:
    """The answer page tells us, once shown in the buyer's browser, that the link was opened (``opened_at``).

    A POST, sent by the page's script, so that nothing that merely fetches the link (a chat app's preview, a
    mail scanner) counts as the buyer opening it. No CSRF cookie, as for the answers: the token is the
    capability. An empty 204; 404 for a link that is not valid.
    """
    try:
        invitation = links.invitation_from_token(token)
    except links.SurveyLinkInvalid:
        return HttpResponse(status=404)
    if invitation.completed_at is None and not invitation.is_expired():
        services.survey_mark_opened(invitation)
    return HttpResponse(status=204)


def _answer_context(
    invitation: SurveyInvitation,
    language: str,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    error_message: str,
) -> dict[str, Any]:
    survey = invitation.survey
    scores = values.get("scores", {})
    scale = [
        (1, _("Very dissatisfied")),
        (2, _("Dissatisfied")),
        (3, _("Neutral")),
        (4, _("Satisfied")),
        (5, _("Very satisfied")),
    ]
    questions = [
        {
            "code": dimension.code,
            "label": dimension.label(language),
            "value": str(scores.get(dimension.code, "")),
            "errors": errors.get(dimension.code, []),
        }
        for dimension in selectors.active_dimensions(survey)
    ]
    return {
        "invitation": invitation,
        "ticket": invitation.ticket,
        "survey": survey,
        "intro": survey.intro_zh if language == "zh-hans" else survey.intro_en,
        "questions": questions,
        "scale": scale,
        "solved": values.get("solved", ""),
        "comment": values.get("comment", ""),
        "errors": errors,
        "error_message": error_message,
        "lang": "en" if language == "en" else "zh",
        "other_lang": "zh" if language == "en" else "en",
    }


# --- staff ----------------------------------------------------------------------------------------------------


def survey_panel(request: HttpRequest, ticket: Ticket, state: None = None) -> str:
    """The survey card on the ticket page: the link (to paste in a chat), the answers, the follow-up."""
    invitation = SurveyInvitation.objects.select_related("survey").filter(ticket=ticket).first()
    if invitation is None:
        return ""
    response = (
        SurveyResponse.objects.filter(invitation=invitation).select_related("follow_up", "agent").first()
        if invitation.completed_at
        else None
    )
    answers = []
    if response is not None:
        language = translation.get_language()
        answers = [
            {"label": answer.dimension.label(language), "score": answer.score}
            for answer in response.answers.select_related("dimension").order_by("dimension__position")
        ]
    follow_up = getattr(response, "follow_up", None) if response is not None else None
    context = {
        "invitation": invitation,
        "response": response,
        "answers": answers,
        "follow_up": follow_up,
        "url": links.survey_url(invitation) if response is None and not invitation.is_expired() else "",
        "expired": response is None and invitation.is_expired(),
        "is_manager": roles.is_manager(request.user),
    }
    return render_to_string("surveys/_panel.html", context, request=request)


def _answers_in_order(lookup: str) -> Prefetch:
    """Prefetch a response's answers (at ``lookup``) with their questions, in the survey's order."""
    return Prefetch(
        lookup, queryset=SurveyAnswer.objects.select_related("dimension").order_by("dimension__position", "id")
    )


def _scores(response: SurveyResponse, language: str) -> list[dict[str, Any]]:
    """Each answer as the question the buyer saw, in the reader's language (专业水平 / Professional level), not
    its code. Reads the answers prefetched with ``_answers_in_order``."""
    return [
        {"label": answer.dimension.label(language), "code": answer.code, "score": answer.score}
        for answer in response.answers.all()
    ]


@manager_required
def follow_up_list_view(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    open_follow_ups = [
        {"follow_up": follow_up, "scores": _scores(follow_up.response, language)}
        for follow_up in SurveyFollowUp.objects.filter(
            visible_tickets_q(request.user, prefix="response__ticket__"), status=FollowUpStatus.OPEN
        )
        .select_related("response__ticket", "response__agent", "response__team")
        .prefetch_related(_answers_in_order("response__answers"))
        .order_by("due_at", "id")
    ]
    done = (
        SurveyFollowUp.objects.filter(
            visible_tickets_q(request.user, prefix="response__ticket__"), status=FollowUpStatus.DONE
        )
        .select_related("response__ticket", "response__agent", "done_by")
        .order_by("-done_at", "-id")[:20]
    )
    return render(
        request,
        "surveys/follow_ups.html",
        {"open_follow_ups": open_follow_ups, "done": done, "now": timezone.now(), "errors": {}},
    )


@manager_required
@require_POST
def follow_up_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        SurveyFollowUp.objects.filter(visible_tickets_q(request.user, prefix="response__ticket__")), pk=pk
    )
    try:
        services.survey_follow_up_complete(
            follow_up=follow_up, outcome=request.POST.get("outcome", ""), actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        response = follow_up_list_view(request)
        response.status_code = exc.status_code
        return response
    messages.success(request, _("Follow-up recorded."))
    return redirect("surveys:follow_ups")


@manager_required
def response_list_view(request: HttpRequest) -> HttpResponse:
    responses = (
        SurveyResponse.objects.filter(visible_tickets_q(request.user, prefix="ticket__"))
        .select_related("ticket", "agent", "team")
        .prefetch_related(_answers_in_order("answers"))
    )
    low_only = request.GET.get("low") == "1"
    if low_only:
        responses = responses.filter(lowest_score__lte=2)
    page = Paginator(responses.order_by("-submitted_at", "-id"), 50).get_page(request.GET.get("page"))
    language = translation.get_language()
    rows = [{"response": response, "scores": _scores(response, language)} for response in page.object_list]
    return render(request, "surveys/responses.html", {"page": page, "rows": rows, "low_only": low_only})
