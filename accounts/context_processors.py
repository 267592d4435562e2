from typing import Any

from django.http import HttpRequest

from . import roles


def user_role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"is_manager": roles.is_manager(user), "role_label": roles.role_label(user)}
