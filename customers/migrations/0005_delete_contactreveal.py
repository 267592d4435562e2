from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_contact_reveals_into_audit_log")]
    operations = [migrations.DeleteModel(name="ContactReveal")]
