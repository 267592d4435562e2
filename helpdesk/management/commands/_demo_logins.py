"""What to tell someone who just started the demo: who to log in as, in which teams, and the API credentials.

Read from the database, so the text cannot drift from what ``seed_demo`` created. ``seed_demo`` prints it, and
so does ``demo_ready`` once the web server answers (``make run`` shows it last, after the services' start-up
output). The README's "Demo logins" table repeats these descriptions; a test keeps the two equal.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from accounts import roles
from tickets.models import Team

DEFAULT_PASSWORD = "helpdesk-demo"
DEMO_USERS = ("agent1", "agent2", "manager1", "admin")
DEMO_INTEGRATION = "演示淘宝店 Demo Taobao shop"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def api_key_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-api-key.txt"


def describe(user: Any) -> str:
    """The role and teams of a demo user, as the README's table shows them."""
    if roles.is_admin(user):
        return "admin (Django admin at /admin/: users, teams, SLA policies)"
    teams = Team.objects.order_by("id")
    managed = [team.name for team in teams.filter(managers=user)]
    if roles.is_manager(user):
        scope = "every team" if managed and len(managed) == teams.count() else ", ".join(managed) or "no team"
        return f"manager of {scope} (escalations, complaints, approvals beyond an agent's limit, reports)"
    member_of = [team.name for team in teams.filter(members=user)]
    return f"agent; teams {', '.join(member_of) or 'none'}"


def login_lines() -> list[str]:
    """The demo logins, the platform token and the integration's API key, one line each."""
    password = demo_password()
    lines = [
        "Demo logins (password: %s%s):"
        % (password, "" if os.environ.get("DEMO_PASSWORD") else ", set DEMO_PASSWORD to change")
    ]
    users = {user.username: user for user in get_user_model().objects.filter(username__in=DEMO_USERS)}
    lines += [f"  {name:<9} {describe(users[name])}" for name in DEMO_USERS if name in users]
    token = Token.objects.filter(user__username="platform").values_list("key", flat=True).first()
    if token:
        lines.append(f"API token of the demo account 'platform' (Authorization: Token …): {token}")
    key_file = api_key_file()
    if key_file.exists():
        lines.append(
            f"API key of the demo integration '{DEMO_INTEGRATION}' (Authorization: Bearer …): "
            f"{key_file.read_text().strip()}  (also in {key_file})"
        )
    return lines
