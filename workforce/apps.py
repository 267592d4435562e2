from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("Work distribution")

    def ready(self) -> None:
        # Presence and auto-assignment (the assign slice): the ticket listener, the sign-out handler, the tasks.
        from . import (
            assign_hooks,
            tasks,  # noqa: F401 - registers the Celery tasks beat names
        )

        assign_hooks.register()
