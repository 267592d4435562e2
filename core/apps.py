from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from .converters import IdConverter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registered before any URLconf is imported, so every app's urls.py can use <id:pk>.
        register_converter(IdConverter, "id")
