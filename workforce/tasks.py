"""Celery tasks: thin; the services find their work in the database and are safe to run twice."""

from celery import shared_task

from .services import assignment, presence


@shared_task(name="workforce.tasks.presence_sweep_task", ignore_result=True)
def presence_sweep_task() -> int:
    """Beat, every PRESENCE_SWEEP_SECONDS: sessions gone quiet end; agents with none left go offline."""
    return presence.presence_sweep()


@shared_task(name="workforce.tasks.autoassign_sweep_task", ignore_result=True)
def autoassign_sweep_task() -> int:
    """Beat, every AUTOASSIGN_SWEEP_SECONDS: the auto-assignment safety net over every team that has it on."""
    return assignment.autoassign_sweep()
