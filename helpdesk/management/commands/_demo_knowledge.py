"""The demo knowledge base: a few categories and articles written from the seed documents (退换货运费, 发货时间,
发票, 催发货 …), public ones for the help centre and internal ones for agents. Made once (skipped when any article
exists), through the services like everything else."""

from __future__ import annotations

from typing import Any

from knowledge.models import Article
from knowledge.services.articles import article_create, article_publish
from knowledge.services.categories import category_create

CATEGORIES = [
    # (name, English name, slug, public)
    ("退换货", "Returns and exchanges", "returns", True),
    ("物流配送", "Shipping and delivery", "shipping", True),
    ("发票", "Invoices", "invoices", True),
    ("客服口径", "Agent guidelines", "guidelines", False),
]

ARTICLES: list[dict[str, Any]] = [
    {
        "title": "退货运费谁承担？",
        "slug": "return-shipping-fee",
        "category": "returns",
        "audience": "public",
        "tags": ["运费", "退货", "七天无理由"],
        "body": (
            "## 简单来说\n\n"
            "- **七天无理由退货**（不喜欢、拍错、尺码不合适）：退回的运费由买家承担；下单时购买了**运费险**的，"
            "退货后运费险会按规则理赔到您的账户。\n"
            "- **质量问题、发错货、少发漏发**：退回运费由我们承担。请先垫付，并在退货申请里上传快递单照片，"
            "我们收到退货后与退款一起补给您。\n\n"
            "## 怎么操作\n\n"
            "1. 在订单页点击“申请售后”，选择退货原因。\n"
            "2. 质量问题请上传商品照片（整体一张、问题部位一张）。\n"
            "3. 审核通过后按页面上的地址寄回，请勿使用到付。\n\n"
            "退款会在我们签收退货后原路返回，一般 1–3 个工作日到账。"
        ),
    },
    {
        "title": "七天无理由退货规则",
        "slug": "seven-day-returns",
        "category": "returns",
        "audience": "public",
        "tags": ["七天无理由", "退货"],
        "body": (
            "签收之日起七天内，商品**完好、不影响二次销售**（吊牌、包装、配件、赠品齐全）即可申请无理由退货。\n\n"
            "以下商品不适用：定制商品、鲜活易腐商品、已拆封的个人护理用品、已激活的数码产品。\n\n"
            "退回运费的规则见《退货运费谁承担？》。"
        ),
    },
    {
        "title": "付款后多久发货？",
        "slug": "shipping-time",
        "category": "shipping",
        "audience": "public",
        "tags": ["发货", "物流", "催发货"],
        "body": (
            "因为每天发货量很大，订单一般在**付款后 48 小时之内**发出，预售商品以商品页写明的发货时间为准。\n\n"
            "发货后您可以在订单页查看物流单号和物流进度。快递的在途时间受天气、节假日和地区影响，"
            "我们无法保证具体哪一天送达；偏远地区（如新疆、西藏）通常需要多 2–3 天。\n\n"
            "超过 48 小时仍未发货，请联系在线客服，我们会优先为您处理。"
        ),
    },
    {
        "title": "收货地址填错了，能修改吗？",
        "slug": "change-address",
        "category": "shipping",
        "audience": "public",
        "tags": ["地址", "修改地址"],
        "body": (
            "- **还未发货**：请尽快联系在线客服，提供正确的收货人、电话和地址，我们会在发货前修改。\n"
            "- **已经发货**：我们会联系快递尝试改派；无法改派时可以拒收，包裹退回后为您重新发出或退款。\n\n"
            "为保护您的隐私，请只在订单的客服对话里发送地址，不要在评价里填写。"
        ),
    },
    {
        "title": "收到的商品有破损怎么办？",
        "slug": "damaged-item",
        "category": "returns",
        "audience": "public",
        "tags": ["破损", "质量问题", "售后"],
        "body": (
            "非常抱歉给您带来不便。请在签收后 48 小时内：\n\n"
            "1. 拍下外包装、快递面单和破损部位的照片（如有开箱视频更好）；\n"
            "2. 在订单页“申请售后”中选择“商品破损”，上传照片；\n"
            "3. 客服核实后为您补发、换货或退款，运费由我们承担。"
        ),
    },
    {
        "title": "怎么开发票？",
        "slug": "invoice",
        "category": "invoices",
        "audience": "public",
        "tags": ["发票", "电子发票"],
        "body": (
            "我们默认开具**增值税电子普通发票**，与纸质发票具有同等效力。\n\n"
            "- 下单时在“发票”一栏填写抬头；单位抬头请同时填写**税号**。\n"
            "- 确认收货后 3 个工作日内，发票会发送到订单页，可下载 PDF。\n"
            "- 需要增值税专用发票，请联系客服并提供开票资料。\n\n"
            "发票金额为您实际支付的金额（不含优惠券、红包抵扣部分）。"
        ),
    },
    {
        "title": "买家催发货的处理口径",
        "slug": "urge-shipping-guideline",
        "category": "guidelines",
        "audience": "internal",
        "tags": ["催发货", "话术"],
        "body": (
            "买家催发货，无非两种情况：\n\n"
            "1. **未超期**（没有超过承诺的发货时间）：安抚买家情绪，做出优先处理的承诺，告诉买家发货时限"
            "（付款后 48 小时之内）。大促期间可以用快捷回复，同时督促仓库尽快发货。\n"
            "2. **已超期**：先道歉并安抚，登记并催促仓库发货；根据买家情绪决定是否赠送赠品或优惠券，"
            "记录超期发货，通知运营跟进。\n\n"
            "> 注意：不能承诺具体到货时间（不说“明天一定到”），只说发货时限和物流在途的一般时间。"
        ),
    },
    {
        "title": "买家下错单或忘记用优惠券",
        "slug": "wrong-order-coupon",
        "category": "guidelines",
        "audience": "internal",
        "tags": ["优惠券", "改单"],
        "body": (
            "- **订单未发货**：让买家安心，马上修改订单。\n"
            "- **订单已发货**：下错单的，和快递沟通物流状态，做退回退款处理，同时联系买家正确下单；"
            "只是忘记用优惠券的，可以小额打款补优惠券金额给买家（需主管在后台确认）。"
        ),
    },
]

RELATED = {
    "return-shipping-fee": ["seven-day-returns", "damaged-item"],
    "seven-day-returns": ["return-shipping-fee"],
    "shipping-time": ["change-address", "urge-shipping-guideline"],
    "damaged-item": ["return-shipping-fee"],
}


def seed_knowledge(*, manager: Any, agent: Any) -> int:
    """Write the demo knowledge base once; returns how many articles it wrote (0 when there were some)."""
    if Article.objects.exists():
        return 0
    categories = {
        slug: category_create(actor=manager, name=name, name_en=name_en, slug=slug, position=index, is_public=public)
        for index, (name, name_en, slug, public) in enumerate(CATEGORIES)
    }
    articles = {}
    for spec in ARTICLES:
        author = agent if spec["audience"] == "internal" else manager
        article = article_create(
            author=author,
            title=spec["title"],
            slug=spec["slug"],
            body=spec["body"],
            category=categories[spec["category"]],
            tags=spec["tags"],
            audience=spec["audience"],
        )
        articles[spec["slug"]] = article_publish(article=article, actor=manager)
    for slug, others in RELATED.items():
        articles[slug].related.set([articles[other] for other in others])
    return len(articles)
