from django.db import migrations

TEMPLATES = [
    ("通用致歉", "", "{customer}您好，非常抱歉给您带来了不好的体验。您的投诉（工单 {reference}）我们已经收到，"
     "客服主管会亲自跟进，并在 24 小时内给您答复处理结果。处理进度可随时查看：{track_url}"),
    ("物流问题致歉", "logistics", "{customer}您好，非常抱歉快递问题给您添了麻烦。您的投诉（工单 {reference}）已收到，"
     "我们正在联系快递公司核实，客服主管会在 24 小时内给您处理结果。处理进度：{track_url}"),
    ("商品质量致歉", "product_quality", "{customer}您好，非常抱歉商品质量没有达到您的期望。您的投诉（工单 {reference}）已收到，"
     "请您保留商品和照片，客服主管会在 24 小时内联系您并给出解决方案。处理进度：{track_url}"),
    ("差评沟通致歉", "negative_review", "{customer}您好，看到您的评价我们非常重视，抱歉这次购物没能让您满意。"
     "您的反馈（工单 {reference}）已转给客服主管，我们会在 24 小时内联系您，尽力弥补。处理进度：{track_url}"),
]

RULES = ["安全", "受伤", "烫伤", "起火", "着火", "爆炸", "漏电", "触电", "中毒", "过敏", "误食", "窒息", "媒体", "曝光", "12315", "起诉", "律师"]


def create_defaults(apps, schema_editor):
    ApologyTemplate = apps.get_model("complaints", "ApologyTemplate")
    SeverityRule = apps.get_model("complaints", "SeverityRule")
    if not ApologyTemplate.objects.exists():
        for name, category, body in TEMPLATES:
            ApologyTemplate.objects.create(name=name, category=category, body=body)
    for keyword in RULES:
        SeverityRule.objects.get_or_create(keyword=keyword, defaults={"severity": "critical"})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
