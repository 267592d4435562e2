"""Benchmark: the canned-reply picker's lookup with 5,000 replies (global, team and personal).

Runs in a throw-away test database (created and dropped here) on whatever DATABASE_URL points to (SQLite when
unset):

    .venv/bin/python bench/replies_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk .venv/bin/python bench/replies_bench.py

1,000 global replies, 3,000 team replies over 10 teams and 1,000 personal replies over 50 agents; the agent
searching is in 2 of the teams. For each query (Chinese substrings, pinyin initials, full pinyin, a shortcut
prefix, a miss) the picker's JSON endpoint is asked ``--repeat`` times through Django's test client (the
whole request: session, middleware, query, JSON) and the selector alone: median and p95 server time.
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

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

TOPICS = [
    ("发货", "付款后48小时之内发出，我们一定会尽快"),
    ("退款", "退款会在三个工作日内原路返回"),
    ("物流", "您的包裹正在运输途中，请耐心等待"),
    ("优惠券", "领取店铺优惠券后下单立减"),
    ("尺码", "建议参考详情页的尺码表选择"),
    ("质量", "发货前我们都会有专人仔细检查"),
    ("换货", "请在七天内申请换货，运费由我们承担"),
    ("发票", "下单时填写抬头即可开具电子发票"),
    ("地址", "请再核对一下收货地址是否正确"),
    ("催单", "已经帮您催促仓库尽快安排"),
    ("差评", "非常抱歉给您带来不好的体验"),
    ("赠品", "赠品会随订单一起发出"),
]
SUFFIXES = ["说明", "通知", "安抚", "话术", "流程", "问题", "提醒", "答复", "时效", "规则"]
QUERIES = ["发货", "退款", "优惠券", "尺码表", "fh", "tk", "yhq", "wl", "fahuo", "tuikuan", "#fa", "zzzz"]


def populate() -> object:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from replies.models import CannedReply
    from replies.services.canned import search_key_for
    from tickets.models import Team

    rng = random.Random(16)
    teams = [Team.objects.create(name=f"bench team {n}") for n in range(10)]
    group, _ = Group.objects.get_or_create(name="Agent")
    User.objects.bulk_create(User(username=f"bench{n}", password="!") for n in range(50))
    users = list(User.objects.filter(username__startswith="bench").order_by("id"))
    group.user_set.add(*users)
    me = users[0]
    me.set_password("bench-password")
    me.save()
    teams[0].members.add(me)
    teams[1].members.add(me)

    rows = []
    used: set[tuple[str, int | None, str]] = set()

    def make(scope: str, team: object | None, owner: object | None, n: int) -> None:
        topic, sentence = TOPICS[n % len(TOPICS)]
        title = f"{topic}{rng.choice(SUFFIXES)}{n}"
        shortcut = f"{topic}{n}"
        key = (scope, getattr(team, "pk", None) or getattr(owner, "pk", None), shortcut)
        assert key not in used
        used.add(key)
        rows.append(
            CannedReply(
                scope=scope,
                team=team,
                owner=owner,
                title=title,
                shortcut=shortcut,
                body=f"{{{{买家称呼}}}}您好，{sentence}。订单{{{{订单号}}}}，如有问题请随时联系我们。" * 2,
                search_key=search_key_for(title=title, shortcut=shortcut),
                usage_count=rng.randrange(0, 500),
            )
        )

    for n in range(1000):
        make("global", None, None, n)
    for n in range(3000):
        make("team", teams[n % 10], None, n)
    for n in range(1000):
        make("personal", None, users[n % 50], n)
    CannedReply.objects.bulk_create(rows, batch_size=500)
    return me


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    from django.test import Client

    from replies.models import CannedReply
    from replies.selectors_canned import canned_reply_picker

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        me = populate()
        total = CannedReply.objects.count()
        print(f"{connection.vendor}: {total} replies (populated in {time.perf_counter() - started:.1f}s)")
        client = Client()
        client.force_login(me)
        client.get("/replies/picker/", {"q": "warm"})  # warm the session, caches and connection

        all_request: list[float] = []
        all_selector: list[float] = []
        print(f"{'query':<10} {'hits':>4}  {'request p50':>11} {'p95':>7}  {'selector p50':>12} {'p95':>7}")
        for query in QUERIES:
            request_ms: list[float] = []
            selector_ms: list[float] = []
            hits = 0
            for _ in range(args.repeat):
                began = time.perf_counter()
                response = client.get("/replies/picker/", {"q": query})
                request_ms.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
                hits = len(response.json()["results"])
                began = time.perf_counter()
                canned_reply_picker(user=me, query=query)
                selector_ms.append((time.perf_counter() - began) * 1000)
            all_request += request_ms
            all_selector += selector_ms
            print(
                f"{query:<10} {hits:>4}  {statistics.median(request_ms):>9.1f}ms {percentile(request_ms, 0.95):>5.1f}ms"
                f"  {statistics.median(selector_ms):>10.1f}ms {percentile(selector_ms, 0.95):>5.1f}ms"
            )
        print(
            f"all {len(all_request)} lookups: request median {statistics.median(all_request):.1f} ms, "
            f"p95 {percentile(all_request, 0.95):.1f} ms; selector median {statistics.median(all_selector):.1f} ms, "
            f"p95 {percentile(all_selector, 0.95):.1f} ms"
        )
        ok = percentile(all_request, 0.95) < 50
        print("under 50 ms (p95, whole request):", "yes" if ok else "NO")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
