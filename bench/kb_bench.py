"""Benchmark: knowledge-base search over 20,000 articles (issue 16: under 50 ms server time).

Articles are generated from a word list of e-commerce customer-service Chinese (titles like "退货运费谁承担",
bodies of 6–12 sentences), segmented with rjieba exactly as the services do, and bulk-created; on PostgreSQL the
weighted vectors are then written by the services' own SQL (GIN index from the migration). The timed call is
``knowledge.selectors.article_search`` as the help centre makes it (public only, top 20, snippets and highlights
built), over many queries of one to three words, plus the ticket page's suggestions (a whole subject, any word).

Runs in a throw-away test database (created and dropped here), on whatever DATABASE_URL points to:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_kb .venv/bin/python bench/kb_bench.py
    .venv/bin/python bench/kb_bench.py            # SQLite
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import Role  # noqa: E402

TOPICS = (
    "退货 换货 退款 运费 运费险 发货 物流 快递 包裹 签收 拒收 破损 漏发 错发 少件 补发 发票 电子发票 专票 抬头 税号 "
    "优惠券 满减 红包 积分 会员 预售 定金 尾款 尺码 色差 材质 保修 维修 质保 安装 说明书 赠品 价保 降价 差价 "
    "地址 修改地址 催单 延迟发货 缺货 到货 预计 时效 顺丰 中通 圆通 韵达 邮政 京东 自提 驿站 冷链 生鲜 "
    "七天无理由 质量问题 假货 正品 鉴定 投诉 举报 评价 差评 追评 晒单 客服 人工 工作时间 节假日 双十一 "
    "支付 分期 花呗 信用卡 微信支付 支付宝 余额 退回 原路返回 到账 审核 凭证 照片 视频 开箱 "
    "账号 登录 密码 绑定 手机号 实名 订单 取消订单 拆单 合并付款 包邮 偏远地区 新疆 西藏 海外 关税"
).split()
PRODUCTS = (
    "T恤 连衣裙 牛仔裤 运动鞋 羽绒服 手机 耳机 充电器 数据线 平板 笔记本 电饭煲 空气炸锅 扫地机器人 "
    "面霜 口红 洗发水 奶粉 纸尿裤 猫粮 狗粮 茶叶 大米 坚果 水果 床垫 枕头 四件套 台灯 行李箱"
).split()
VERBS = "怎么 如何 能否 可以 需要 是否 什么时候 多久 为什么 谁".split()
ENDINGS = "办理 申请 处理 承担 计算 查询 修改 开具 退回 补偿 到账 发出 送达 核实".split()
FILLER = "的 了 在 和 后 前 时 都 也 还 就 会 要 请 您 我们 已经 一般 通常 如果 需要 可以 会 将".split()


def _sentence(rng: random.Random) -> str:
    words = [
        rng.choice(FILLER if rng.random() < 0.35 else (TOPICS if rng.random() < 0.8 else PRODUCTS))
        for _ in range(rng.randint(6, 14))
    ]
    return "".join(words) + rng.choice("。。。；！")


def _title(rng: random.Random) -> str:
    a, b = rng.sample(TOPICS, 2)
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"{a}{b}{rng.choice(VERBS)}{rng.choice(ENDINGS)}"
    if pattern == 1:
        return f"{rng.choice(PRODUCTS)}{a}{rng.choice(VERBS)}{rng.choice(ENDINGS)}？"
    if pattern == 2:
        return f"{a}{rng.choice(ENDINGS)}说明（{b}）"
    return f"{rng.choice(PRODUCTS)}{a}与{b}规则"


def populate(total: int, rng: random.Random) -> None:
    from knowledge.models import Article, Category, KbTag
    from knowledge.search import search_document
    from knowledge.services.articles import SEARCH_VECTOR_SQL

    categories = [Category.objects.create(name=f"分类{n}", slug=f"c{n}", position=n) for n in range(12)]
    tags = [KbTag.objects.create(name=name) for name in TOPICS[:40]]
    now = timezone.now()
    parts: list[tuple[str, str, str]] = []
    articles: list[Article] = []
    tag_rows: list[tuple[int, list[int]]] = []
    for n in range(total):
        title = _title(rng)
        body = "\n\n".join(_sentence(rng) for _ in range(rng.randint(6, 12)))
        chosen = rng.sample(tags, rng.randint(0, 3))
        document = search_document(title=title, tags=[t.name for t in chosen], body=body)
        parts.append((document.title, document.tags, document.body))
        articles.append(
            Article(
                title=title,
                slug=f"a{n}",
                body=body,
                category=rng.choice(categories),
                status="published" if rng.random() < 0.85 else rng.choice(["draft", "archived"]),
                audience="public" if rng.random() < 0.7 else "internal",
                search_document=document.text,
                version_count=1,
                published_at=now,
            )
        )
        tag_rows.append((n, [t.pk for t in chosen]))
    created = Article.objects.bulk_create(articles, batch_size=2000)
    through = Article.tags.through
    through.objects.bulk_create(
        [through(article_id=created[n].pk, kbtag_id=tag) for n, ids in tag_rows for tag in ids], batch_size=5000
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.executemany(
                SEARCH_VECTOR_SQL,
                [
                    {"title": title, "tags": tag_text, "body": body, "id": article.pk}
                    for (title, tag_text, body), article in zip(parts, created, strict=True)
                ],
            )
            cursor.execute("ANALYZE knowledge_article")


def _queries(rng: random.Random, count: int) -> list[str]:
    queries = ["运费", "退货运费", "发票怎么开", "七天无理由退货", "顺丰几天到", "优惠券不能用"]
    while len(queries) < count:
        kind = rng.randrange(3)
        if kind == 0:
            queries.append(rng.choice(TOPICS))
        elif kind == 1:
            queries.append(rng.choice(TOPICS) + rng.choice(TOPICS))
        else:
            queries.append(f"{rng.choice(PRODUCTS)}{rng.choice(TOPICS)}{rng.choice(VERBS)}{rng.choice(ENDINGS)}")
    return queries


def _time(calls: list[tuple[str, dict[str, object]]]) -> list[float]:
    from knowledge.selectors import article_search

    timings = []
    for query, options in calls:
        started = time.perf_counter()
        article_search(query=query, **options)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _report(label: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{label}: {len(timings)} searches, median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, "
        f"max {ordered[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(16)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        populate(args.articles, rng)
        print(f"{connection.vendor}: {args.articles} articles (populated in {time.perf_counter() - started:.1f}s)")
        queries = _queries(rng, args.queries)
        _time([(query, {"public_only": True}) for query in queries[:20]])  # warm up
        _report(
            "help centre search (public, top 20)", _time([(q, {"public_only": True, "limit": 20}) for q in queries])
        )
        agent = get_user_model().objects.create(username="bench-agent")
        agent.groups.add(Group.objects.get_or_create(name=Role.AGENT)[0])
        _report("staff search (published, internal too)", _time([(q, {"user": agent}) for q in queries]))
        subjects = [f"{_title(rng)} {_sentence(rng)}" for _ in range(100)]
        _report(
            "ticket suggestions (subject + message, any word, top 5)",
            _time([(s, {"user": agent, "any_token": True, "limit": 5}) for s in subjects]),
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
