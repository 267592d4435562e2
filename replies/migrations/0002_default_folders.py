"""The shared folders every shop starts with (售前 / 售中 / 售后 / 投诉 / 其他); managers add their own."""

from django.db import migrations

DEFAULT_FOLDERS = ["售前", "售中", "售后", "投诉", "其他"]


def create_folders(apps, schema_editor):
    Folder = apps.get_model("replies", "Folder")
    for position, name in enumerate(DEFAULT_FOLDERS):
        Folder.objects.get_or_create(team=None, name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("replies", "0001_initial")]

    operations = [migrations.RunPython(create_folders, migrations.RunPython.noop)]
