from django.db import migrations


def create_default_policy(apps, schema_editor):
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    if not SlaPolicy.objects.exists():
        SlaPolicy.objects.create(
            name="默认 Default (10 min / 24 h)", position=1000, first_response_minutes=10, resolution_minutes=24 * 60
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(create_default_policy, migrations.RunPython.noop)]
