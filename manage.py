#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the environment (helpdesk/settings.py) now
    except ImproperlyConfigured as exc:
        # A setting the environment got wrong (e.g. production without DJANGO_SECRET_KEY): say so, no traceback.
        sys.exit(f"Refusing to start: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
