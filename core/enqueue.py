"""Queue Celery work for after the change that needs it commits, without ever failing the caller.

Tasks are named, not imported: an app's services queue work that its own ``tasks`` module defines, and that
module imports the services, so naming the task keeps the import one-way. Each app registers its tasks in
``AppConfig.ready`` (Celery's registry is what ``current_app.tasks`` reads).

A broker outage is logged, never raised, and never retried in the caller: the change is already committed,
and a web request must not hang on a dead broker. Callers say in their docstring what a lost enqueue
delays and what finds the work again (a sweep, the relay, the e-mail recovery tasks, which use the two
helpers at the end of this module).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


# After a broker error this process does not try the broker for this long: each enqueue meanwhile is reported
# lost at once (every caller's work is found again, as its ``if_lost`` says). So a broker that hangs costs one
# request its timeout (settings.REDIS_BROKER_TRANSPORT_OPTIONS) every few seconds, not every request.
BROKER_PAUSE_SECONDS = 5.0
_paused_until = 0.0


def _now() -> float:
    return time.monotonic()


def enqueue(task_name: str, *args: Any, if_lost: str) -> bool:
    """Queue the task now. When the broker cannot take it (or failed in this process moments ago), log a
    warning that says ``if_lost`` (what is delayed or lost, and what recovers it) and return False."""
    global _paused_until
    task = current_app.tasks[task_name]
    if _now() < _paused_until:
        logger.warning("not queued %s%r: the broker failed moments ago; %s", task_name, args, if_lost)
        return False
    try:
        task.apply_async(args, retry=False)
    except Exception:  # noqa: BLE001 - any broker error: the caller's change stands
        _paused_until = _now() + BROKER_PAUSE_SECONDS
        logger.warning("could not queue %s%r; %s", task_name, args, if_lost, exc_info=True)
        return False
    return True


def broker_pause_reset() -> None:
    """Try the broker again at the next enqueue (tests)."""
    global _paused_until
    _paused_until = 0.0


def enqueue_on_commit(task_name: str, *args: Any, if_lost: str) -> None:
    """Queue the task once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task_name, *args, if_lost=if_lost))


# --- what a lost enqueue left behind ----------------------------------------------------------------------------


def lost_enqueue_window(now: datetime) -> tuple[datetime, datetime]:
    """(oldest, newest) creation times of work that should have been done by a queued task and was not.

    Newer than ``EMAIL_RECOVERY_AFTER_SECONDS`` (a minute) it may still be in the queue; older than
    ``EMAIL_RECOVERY_MAX_AGE_HOURS`` (a day) it is left alone: news that late would be noise, and it keeps the
    first run after a deployment from mailing the past.
    """
    newest = now - timedelta(seconds=float(settings.EMAIL_RECOVERY_AFTER_SECONDS))
    oldest = now - timedelta(hours=float(settings.EMAIL_RECOVERY_MAX_AGE_HOURS))
    return oldest, newest


def send_each(ids: Iterable[int], send: Callable[[int], bool], *, what: str) -> int:
    """Call ``send(id)`` for each id until one raises (the mail server is probably down: the next run tries
    again, and one warning says so). Returns how many ``send`` calls reported a mail sent."""
    sent = 0
    for pk in ids:
        try:
            if send(pk):
                sent += 1
        except Exception:  # noqa: BLE001 - any mail error: stop this run, the rows stay unsent
            logger.warning("could not send %s %s; stopping this run, the next one tries again", what, pk, exc_info=True)
            break
    return sent
