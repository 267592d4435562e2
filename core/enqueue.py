"""Queue Celery work for after the change that needs it commits, without ever failing the caller.

Tasks are named, not imported: an app's services queue work that its own ``tasks`` module defines, and that
module imports the services, so naming the task keeps the import one-way. Each app registers its tasks in
``AppConfig.ready`` (Celery's registry is what ``current_app.tasks`` reads).

A broker outage is logged, never raised, and never retried in the caller: the change is already committed,
and a web request must not hang on a dead broker. Callers say in their docstring what a lost enqueue
delays and what finds the work again (a sweep, the relay).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: Any, if_lost: str) -> bool:
    """Queue the task now. When the broker cannot take it, log a warning that says ``if_lost`` (what is
    delayed or lost, and what recovers it) and return False."""
    task = current_app.tasks[task_name]
    try:
        task.apply_async(args, retry=False)
    except Exception:  # noqa: BLE001 - any broker error: the caller's change stands
        logger.warning("could not queue %s%r; %s", task_name, args, if_lost, exc_info=True)
        return False
    return True


def enqueue_on_commit(task_name: str, *args: Any, if_lost: str) -> None:
    """Queue the task once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task_name, *args, if_lost=if_lost))
