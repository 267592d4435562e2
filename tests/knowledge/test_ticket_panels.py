"""The ticket page: suggested articles (insert link for public ones only) and the case library."""

from __future__ import annotations

import pytest
from django.urls import reverse

from knowledge.enums import ArticleStatus, Audience
from knowledge.models import Article
from knowledge.selectors import article_suggestions
from knowledge.services.cases import article_create_from_ticket, mask_personal_data
from tests.factories import CustomerFactory, OrderFactory, make_ticket
from tickets.services.messages import ticket_add_customer_message, ticket_add_note, ticket_reply
from tickets.services.transitions import ticket_transition

from .helpers import make_article

pytestmark = pytest.mark.django_db


def test_the_ticket_page_suggests_matching_articles(client, agent, manager, team):
    public = make_article(manager, title="退货运费谁承担")
    make_article(manager, title="运费内部口径", audience=Audience.INTERNAL)
    make_article(manager, title="运费草稿", publish=False)
    make_article(manager, title="发票怎么开", body="下单后申请电子发票。")
    ticket = make_ticket(team=team, subject="退货的运费谁出？", description="我要退货")
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="kb-suggestions"' in html
    assert "<mark>运费</mark>谁承担" in html and "<mark>运费</mark>内部口径" in html
    assert "运费草稿" not in html and "发票怎么开" not in html
    # insert link: the public article only
    assert html.count('data-testid="kb-insert-link"') == 1
    assert f"/help/a/{public.slug}/" in html


def test_suggestions_use_the_buyers_latest_messages(agent, manager, team):
    make_article(manager, title="发票怎么开", body="下单后可申请电子发票")
    ticket = make_ticket(team=team, subject="咨询", description="你好")
    ticket_add_customer_message(ticket=ticket, body="我需要开发票")
    assert [hit.article.title for hit in article_suggestions(ticket=ticket, user=agent)] == ["发票怎么开"]


def test_the_case_button_shows_on_resolved_tickets_only(client, agent, team):
    ticket = make_ticket(team=team)
    client.force_login(agent)
    assert 'data-testid="kb-case"' not in client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    ticket_reply(ticket=ticket, author=agent, body="您好，已为您处理")
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    assert 'data-testid="kb-case"' in client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()


def test_a_case_article_is_an_internal_draft_without_personal_data(client, agent, team):
    buyer = CustomerFactory(name="张伟", phone="13812345678", email="zw@example.com", platform_account_id="tb_zhangwei")
    order = OrderFactory(customer=buyer, order_number="TB20261206001")
    ticket = make_ticket(
        team=team,
        customer=buyer,
        order=order,
        subject="张伟的退货运费问题",
        description="订单TB20261206001退货，电话13812345678",
    )
    ticket_add_customer_message(
        ticket=ticket, body="我是张伟，手机 138 1234 5678，邮箱 zw@example.com，身份证110101199003077777"
    )
    ticket_add_note(ticket=ticket, author=agent, body="内部备注：买家很急")
    ticket_reply(ticket=ticket, author=agent, body="tb_zhangwei 您好，七天无理由退货运费由您承担")
    ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
    client.force_login(agent)
    response = client.post(reverse("knowledge:from-ticket", args=[ticket.pk]))
    article = Article.objects.get(source_ticket=ticket)
    assert response.status_code == 302 and response["Location"] == reverse("knowledge:edit", args=[article.pk])
    assert article.status == ArticleStatus.DRAFT and article.audience == Audience.INTERNAL
    text = article.title + article.body
    for secret in (
        "张伟",
        "13812345678",
        "138 1234 5678",
        "zw@example.com",
        "TB20261206001",
        "110101199003077777",
        "tb_zhangwei",
        "内部备注",
    ):
        assert secret not in text, secret
    assert "七天无理由退货运费由您承担" in article.body and "[手机号]" in article.body


def test_an_open_ticket_is_no_case_yet(agent, team):
    from core.errors import Conflict

    with pytest.raises(Conflict):
        article_create_from_ticket(ticket=make_ticket(team=team), actor=agent)


def test_a_ticket_the_agent_may_not_see_is_a_404(client, team, manager):
    from accounts.roles import Role
    from tests.browser import staff_user

    outsider = staff_user("outsider", Role.AGENT)
    ticket = make_ticket(team=team)
    client.force_login(outsider)
    assert client.post(reverse("knowledge:from-ticket", args=[ticket.pk])).status_code == 404


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话 0571-88886666", "电话 [电话]"),
        ("+86 138-1234-5678", "[手机号]"),
        ("运单号 SF1234567890123", "运单号 [单号]"),
        ("价格 199 元，数量 2", "价格 199 元，数量 2"),
    ],
)
def test_masking(text, expected):
    assert mask_personal_data(text, names=[]) == expected


def test_masking_takes_out_the_buyers_surname_with_a_form_of_address():
    """Agents greet 李娜 as 李女士: the case draft kept the surname and the form of address."""
    text = "李女士您好，李娜的包裹已到。张女士是另一位顾客。"
    assert mask_personal_data(text, names=["李娜"]) == "买家您好，买家的包裹已到。张女士是另一位顾客。"
    assert mask_personal_data("Li Na, 李女士", names=["Li Na"]) == "买家, 李女士"


def test_the_suggestions_panel_asks_the_same_queries_for_5_or_15_articles(rf, agent, manager, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from knowledge.panels import suggestions_panel

    ticket = make_ticket(team=team, subject="运费怎么算", description="运费")
    request = rf.get("/")
    request.user = agent

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            suggestions_panel(request, ticket)
        return len(queries)

    for n in range(5):
        make_article(manager, title=f"运费说明{n}")
    count()  # the user's roles are read once and kept
    few = count()
    for n in range(10):
        make_article(manager, title=f"运费规则{n}")
    assert count() == few
