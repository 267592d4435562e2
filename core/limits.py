"""How long free text may be. One table, used by the API serializers (which declare it as ``maxLength`` in the
schema), the browser forms (``maxlength`` on the field) and the services, which refuse longer text with a 400
naming the field whatever the path (API, page, admin, import). A 10 MB description used to be stored and echoed
back in every answer about its ticket.

================  ========  ==========================================================================
name              limit     for
================  ========  ==========================================================================
SUBJECT_MAX       200       a ticket's subject (its column)
BODY_MAX          20,000    what a buyer or an agent writes: a ticket's description, a reply, a note, a
                            buyer's message, the result a complaint reports to the buyer
NOTE_MAX          5,000     analyses and notes: a complaint's request, root cause and outcome, a follow-up
                            call's note, an after-sales request's description (and, over the API only, an
                            integration's notes)
SHORT_NOTE_MAX    2,000     a note on an after-sales step, approval request or decision
================  ========  ==========================================================================

Shorter fields (names, account ids, order and tracking numbers, links) are limited by their columns.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .errors import ValidationFailed

SUBJECT_MAX = 200
BODY_MAX = 20_000
NOTE_MAX = 5_000
SHORT_NOTE_MAX = 2_000


def refuse_long_text(**fields: tuple[str | None, int]) -> None:
    """``refuse_long_text(subject=(subject, SUBJECT_MAX), ...)``: a ``ValidationFailed`` (400) naming every
    field whose text is longer than its limit."""
    too_long = {
        name: [_("At most %(max)s characters (this has %(length)s).") % {"max": limit, "length": len(value)}]
        for name, (value, limit) in fields.items()
        if value is not None and len(value) > limit
    }
    if too_long:
        raise ValidationFailed(_("Some text is too long."), fields=too_long)
