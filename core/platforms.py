"""The shop platforms buyers come from. Customers, orders, integrations and tickets all name one."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Platform(TextChoices):
    TAOBAO = "taobao", _("Taobao")
    TMALL = "tmall", _("Tmall")
    PINDUODUO = "pinduoduo", _("Pinduoduo")
    DOUYIN = "douyin", _("Douyin")
    JD = "jd", _("JD.com")
    SHOP = "shop", _("Independent shop")
    OTHER = "other", _("Other")
