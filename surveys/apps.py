from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from . import (
            handlers,
            tasks,  # noqa: F401 - registers the Celery tasks core.enqueue queues by name
        )

        handlers.register()
