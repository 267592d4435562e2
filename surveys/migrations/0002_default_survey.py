from django.db import migrations

DIMENSIONS = [
    ("professional", "专业水平", "Professional level", 10),
    ("attitude", "服务态度", "Service attitude", 20),
    ("speed", "响应速度", "Response speed", 30),
]


def create_default(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Dimension = apps.get_model("surveys", "SurveyDimension")
    survey, _ = Survey.objects.get_or_create(
        name="满意度调查 Satisfaction survey",
        defaults={
            "kind": "",
            "intro_zh": "感谢您的耐心！请花一分钟为本次服务打分，帮助我们做得更好。",
            "intro_en": "Thank you for your patience! Please take a minute to rate our service and help us improve.",
        },
    )
    for code, zh, en, position in DIMENSIONS:
        Dimension.objects.get_or_create(
            survey=survey, code=code, defaults={"label_zh": zh, "label_en": en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
