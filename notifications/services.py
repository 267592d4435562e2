"""Every write to notifications."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.enqueue import enqueue_on_commit, lost_enqueue_window, send_each

from .models import Notification
from .pubsub import publish_wakeups

logger = logging.getLogger(__name__)


def notifications_create(
    *,
    recipients: Iterable[Any],
    verb: str,
    message: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> int:
    """Create one notification per recipient; returns how many were new.

    ``message`` is an untranslated message id (mark it with ``gettext_noop``). With a ``dedupe_key``, a
    recipient who already has a notification with that key is skipped, so callers may retry freely.

    After commit (never before: a rolled-back notification must not reach anyone) it wakes the recipients'
    open streams, and, unless ``email`` is False (callers that mail on their own), queues an e-mail for each
    new recipient who asked for them and has an address (the row says so: ``email_wanted``). Neither a Redis
    nor a broker outage is raised: the rows are the truth, the streams also poll, the bell shows them, and
    ``notification_emails_recover`` sends an e-mail whose task was lost.
    """
    users = {user.pk: user for user in recipients}
    rows = [
        Notification(
            recipient=user,
            verb=verb,
            message=message,
            params=params or {},
            url=url,
            dedupe_key=dedupe_key,
            email_wanted=email and _wants_email(user),
        )
        for user in users.values()
    ]
    if not rows:
        return 0
    with transaction.atomic():
        if dedupe_key is None:
            new_ids = [(row.pk, row.recipient_id) for row in Notification.objects.bulk_create(rows)]
        else:
            existing = set(
                Notification.objects.filter(dedupe_key=dedupe_key, recipient__in=list(users)).values_list(
                    "recipient_id", flat=True
                )
            )
            rows = [row for row in rows if row.recipient_id not in existing]
            # ignore_conflicts leaves the primary keys unset: read them back (a row a racing creator inserted
            # first is read too; its e-mail may then be queued twice, and the task sends it once).
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            new_ids = list(
                Notification.objects.filter(
                    dedupe_key=dedupe_key, recipient_id__in=[row.recipient_id for row in rows]
                ).values_list("pk", "recipient_id")
            )
        woken = [user_id for _pk, user_id in new_ids]
        transaction.on_commit(lambda: publish_wakeups(woken))
        if email:
            to_mail = [pk for pk, user_id in new_ids if _wants_email(users[user_id])]
            if to_mail:
                for notification_id in to_mail:
                    enqueue_on_commit(
                        "notifications.tasks.notification_email_task",
                        notification_id,
                        if_lost="the notification stands, only its e-mail waits for notification_email_recovery_task",
                    )
    return len(rows)


def _wants_email(user: Any) -> bool:
    return bool(getattr(user, "notify_by_email", False) and user.email)


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None). Others' are untouched.

    When anything changed, the user's open streams are told after commit, so every tab's bell agrees.
    """
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    changed = queryset.update(read_at=timezone.now())
    if changed:
        user_id = user.pk
        transaction.on_commit(lambda: publish_wakeups([user_id]))
    return changed


def notification_send_email(*, notification_id: int, skip_locked: bool = False) -> bool:
    """E-mail one notification to its recipient in the site language. Returns whether a mail was sent now.

    Once: the row stays locked from the check of ``emailed_at`` until the mark after the send commits, so the
    task, its retries and the recovery never mail it twice (a caller that finds the row locked waits and then
    sees it marked, or with ``skip_locked`` leaves it to the holder). A failure raises and marks nothing, so
    the task retries. A recipient who has since turned e-mail off, or has no address, gets nothing.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        return _send_email_locked(notification)


def _send_email_locked(notification: Notification) -> bool:
    recipient = notification.recipient
    if not _wants_email(recipient):
        return False
    open_url = settings.HELPDESK_PUBLIC_URL.rstrip("/") + reverse("notifications:open", args=[notification.pk])
    settings_url = settings.HELPDESK_PUBLIC_URL.rstrip("/") + reverse("notifications:settings")
    with translation.override(settings.LANGUAGE_CODE):
        text = notification.text
        subject = _("[Helpdesk] %(text)s") % {"text": text}
        body = "\n\n".join(
            [
                text,
                _("Open it: %(url)s") % {"url": open_url},
                _("You get this e-mail because you turned on e-mail notifications: %(url)s") % {"url": settings_url},
            ]
        )
    # An e-mail subject is one line.
    subject = " ".join(subject.split())[:200]
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[recipient.email], fail_silently=False)
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


def notification_emails_recover(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send the notification e-mails whose task was never queued (the broker was down at commit): rows that
    want an e-mail and have none, created between a day and a minute ago (``lost_enqueue_window``), whose
    recipient still wants e-mail. Each is sent once however many recoveries and tasks run at once
    (``notification_send_email``). Stops at the first mail error. Returns how many were sent."""
    oldest, newest = lost_enqueue_window(now or timezone.now())
    unsent = (
        Notification.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            created_at__gte=oldest,
            created_at__lte=newest,
            recipient__notify_by_email=True,
        )
        .exclude(recipient__email="")
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return send_each(
        list(unsent),
        lambda pk: notification_send_email(notification_id=pk, skip_locked=True),
        what="the e-mail of notification",
    )
