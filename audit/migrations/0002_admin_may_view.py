"""The Admin role reads the audit log in the Django admin too (view only: the admin offers nobody more). It
replaces the view permission on the contact reveals, which the audit log now holds."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("audit")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Admin")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="audit", codename="view_auditentry"))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
