"""Give the role groups their model permissions (used by the Django admin: managers edit SLA policies and
teams, admins also users and roles). Ticket state itself is never edited in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGER = {
    "tickets": {"team": ["view", "change"], "slapolicy": ["view", "add", "change"], "ticket": ["view"], "escalation": ["view"]},
    "customers": {"customer": ["view"], "order": ["view"]},
}
ADMIN = {
    "tickets": {"team": ["view", "add", "change", "delete"], "slapolicy": ["view", "add", "change", "delete"],
                "ticket": ["view"], "escalation": ["view"]},
    "customers": {"customer": ["view", "change"], "order": ["view", "change"], "contactreveal": ["view"]},
    "accounts": {"user": ["view", "add", "change"]},
    "auth": {"group": ["view"]},
    "authtoken": {"token": ["view", "add", "delete"]},
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, spec in (("Manager", MANAGER), ("Admin", ADMIN)):
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, models in spec.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                group.permissions.add(
                    *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
                )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_policy_warning_label"),
        ("accounts", "0002_roles"),
        ("customers", "0002_contact_reveal"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
