"""Default reasons (with their evidence and return windows) and the role limits. Editable in the admin."""

from decimal import Decimal

from django.db import migrations

# code, label, product photo, defect photo, tracking number, window in days from delivery
REASONS = [
    ("size", "尺码不合适 Size doesn't fit", True, False, False, 7),
    ("quality_defect", "质量问题 Quality defect", True, True, False, 30),
    ("wrong_item", "发错货 Wrong item sent", True, False, True, 30),
    ("damaged_in_transit", "运输损坏 Damaged in transit", True, True, True, 30),
    ("not_as_described", "与描述不符 Not as described", True, False, False, 30),
    ("no_reason", "7天无理由 No reason (within the return window)", False, False, False, 7),
    ("other", "其他 Other", False, False, False, 30),
]

# role, compensation limit, refund limit (None: no limit)
LIMITS = [
    ("Agent", Decimal("20.00"), Decimal("100.00")),
    ("Manager", None, None),
    ("Admin", None, None),
    ("Integration", Decimal("0.00"), Decimal("0.00")),
]


def create_defaults(apps, schema_editor):
    Reason = apps.get_model("aftersales", "Reason")
    AuthorityLimit = apps.get_model("aftersales", "AuthorityLimit")
    for position, (code, label, product, defect, tracking, window) in enumerate(REASONS, 1):
        Reason.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "requires_product_photo": product,
                "requires_defect_photo": defect,
                "requires_tracking_number": tracking,
                "return_window_days": window,
                "position": position * 10,
            },
        )
    for role, compensation, refund in LIMITS:
        AuthorityLimit.objects.get_or_create(
            role=role, defaults={"max_compensation": compensation, "max_refund": refund}
        )


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
