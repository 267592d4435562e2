"""Demo data: teams, the demo users, customers with orders, a realistic mix of tickets (some overdue),
complaints and after-sales requests. It lives in the project package because it seeds every app."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from aftersales.services.approvals import aftersales_approval_request
from aftersales.services.intake import EvidenceInput, LineInput, aftersales_request_create
from customers.services.buyers import customer_upsert
from customers.services.orders import OrderLineData, order_sync
from integrations import services as integration_services
from integrations.models import Integration
from integrations.scopes import ALL_SCOPES
from replies.models import Folder
from replies.services.canned import ShortcutTaken, canned_reply_create
from tickets.models import BusinessCalendar, EscalationStep, SlaPolicy, Team, Ticket, WorkingHours
from tickets.services.calendars import CHINA_HOLIDAYS_FILE, calendar_import_days
from tickets.services.intake import ticket_create
from tickets.services.messages import ticket_add_customer_message, ticket_add_note, ticket_reply
from tickets.services.transitions import ticket_transition
from workforce.enums import AssignmentMode
from workforce.models import AgentProfile, Handover, RoutingRule, Shift, Skill, TeamWorkSettings
from workforce.services.handover import handover_create
from workforce.services.profiles import agent_profile_ensure
from workforce.services.routing import routing_rule_create
from workforce.services.shifts import shift_create

from ._demo_history import create_history
from ._demo_knowledge import seed_knowledge
from ._demo_logins import DEMO_INTEGRATION, api_key_file, demo_password, login_lines

CUSTOMERS = [
    ("王小明", "taobao", "tb_wangxm88", "13812345678", "gold"),
    ("李娜", "pinduoduo", "pdd_lina_2021", "13987654321", "regular"),
    ("张伟", "douyin", "dy_zhangwei", "15011112222", "vip"),
    ("刘芳", "tmall", "tm_liufang", "18622223333", "silver"),
    ("陈静", "jd", "jd_chenjing", "17733334444", "regular"),
    ("赵磊", "shop", "shop_zhaolei", "13644445555", "regular"),
]

PRODUCTS = [
    ("TS-COT-L-WHT", "纯棉圆领T恤 白色 L", Decimal("79.00")),
    ("EAR-BT-PRO", "蓝牙降噪耳机 Pro", Decimal("399.00")),
    ("CUP-VAC-500", "不锈钢保温杯 500ml", Decimal("59.90")),
    ("SHO-RUN-42", "轻便跑步鞋 42码", Decimal("269.00")),
    ("BAG-CAN-01", "帆布托特包", Decimal("45.00")),
]

# (kind, category, channel, priority, subject, description, customer index, minutes ago, what happens next)
TICKETS = [
    ("inquiry", "shipping_urge", "chat", "normal", "什么时候发货？", "下单三天了还没发货，麻烦催一下。", 0, 25, "new"),
    (
        "inquiry",
        "product_question",
        "chat",
        "normal",
        "耳机支持无线充电吗",
        "想确认一下这款耳机是否支持无线充电和多设备连接。",
        1,
        4,
        "new",
    ),
    (
        "inquiry",
        "order_query",
        "api",
        "high",
        "订单显示已签收但没收到",
        "物流显示已签收，但我家里没人收到包裹。",
        2,
        8,
        "new",
    ),
    ("inquiry", "order_change", "phone", "normal", "修改收货地址", "刚下单，地址填错了，想改到公司地址。", 3, 2, "new"),
    (
        "complaint",
        "logistics",
        "api",
        "urgent",
        "快递员态度恶劣，包裹破损",
        "快递员把包裹直接扔在门口，外箱破损，杯子有凹痕。",
        4,
        40,
        "new",
    ),
    (
        "complaint",
        "service_attitude",
        "chat",
        "high",
        "客服回复太慢",
        "昨天咨询的问题到现在都没人理。",
        5,
        60 * 26,
        "replied",
    ),
    (
        "aftersales",
        "return_refund",
        "web_form",
        "normal",
        "T恤尺码偏小，申请退货",
        "平时穿L码，这件L码明显偏小，想退货退款。",
        0,
        90,
        "replied",
    ),
    (
        "aftersales",
        "exchange",
        "api",
        "normal",
        "鞋子左脚有开胶，申请换货",
        "刚穿两次左脚鞋底就开胶了，附照片。",
        3,
        30,
        "pending",
    ),
    (
        "aftersales",
        "compensation",
        "chat",
        "low",
        "保温杯有划痕",
        "收到的杯子外壁有一道划痕，不影响使用，希望给点补偿。",
        1,
        180,
        "resolved",
    ),
    (
        "inquiry",
        "aftersales_question",
        "email",
        "low",
        "七天无理由怎么申请",
        "请问七天无理由退货需要我自己付运费吗？",
        2,
        300,
        "replied",
    ),
    (
        "inquiry",
        "product_question",
        "social",
        "normal",
        "帆布包可以机洗吗",
        "想问下帆布包能不能放洗衣机洗。",
        5,
        6,
        "new",
    ),
    (
        "complaint",
        "product_quality",
        "phone",
        "high",
        "耳机右耳没声音",
        "用了一周右耳突然没声音了，非常失望。",
        2,
        12,
        "new",
    ),
    (
        "complaint",
        "product_quality",
        "api",
        "normal",
        "保温杯盖子烫伤手",
        "倒热水时盖子突然弹开，手被烫伤了，要求赔偿。",
        4,
        3,
        "new",
    ),
    (
        "complaint",
        "negative_review",
        "api",
        "normal",
        "买家给了一星差评",
        "评价说鞋子开胶、客服不理人。",
        3,
        50,
        "replied",
    ),
]


class Command(BaseCommand):
    help = "Create demo teams, users (agent1, agent2, manager1, admin) and a realistic mix of tickets."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Do not print the logins and API credentials (make run prints them once the services are up).",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            users = self._users(demo_password())
            teams = self._teams(users)
            self._assignment(users, teams)
            self._sla(users, teams)
            created = 0 if Ticket.objects.exists() else self._tickets(users, teams)
            self._shifts_and_handover(users, teams)
            # After the demo tickets (they stay as they were made); new tickets run through these.
            self._routing(users, teams)
            self._canned_replies(users, teams)
            seed_knowledge(manager=users["manager1"], agent=users["agent1"])
        Token.objects.get_or_create(user=users["platform"])
        self._integration()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new tickets)."))
        if not options["no_logins"]:
            for line in login_lines():
                self.stdout.write(line)

    def _integration(self) -> None:
        """The demo shop integration with every scope. Its key is shown once: on the run that makes it, it is
        written to var/demo-api-key.txt (a local file, never committed), from which the logins print it."""
        integration = Integration.objects.filter(name=DEMO_INTEGRATION).first()
        if integration is None:
            integration = integration_services.integration_create(
                name=DEMO_INTEGRATION, platform="taobao", scopes=list(ALL_SCOPES)
            )
        key_file = api_key_file()
        if not any(key.is_valid_at() for key in integration.keys.all()) or not key_file.exists():
            secret = integration_services.api_key_create(integration=integration, name="demo").secret
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secret + "\n")

    def _users(self, password: str) -> dict[str, Any]:
        User = get_user_model()
        spec = {
            "agent1": ("小林 (agent1)", Role.AGENT, False),
            "agent2": ("小周 (agent2)", Role.AGENT, False),
            "manager1": ("陈经理 (manager1)", Role.MANAGER, False),
            "admin": ("Admin", Role.ADMIN, True),
            "platform": ("演示店铺平台 (platform)", Role.INTEGRATION, False),
        }
        users = {}
        for username, (display, role, superuser) in spec.items():
            user, _ = User.objects.get_or_create(username=username, defaults={"display_name": display})
            user.display_name = display
            user.email = f"{username}@example.com"
            # Managers reach the admin site to edit SLA policies and teams (their group grants the rights).
            user.is_staff = superuser or role == Role.MANAGER
            user.is_superuser = superuser
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            users[username] = user
        return users

    def _teams(self, users: dict[str, Any]) -> dict[str, Team]:
        teams = {}
        for key, name, kind, members in (
            ("pre", "售前 Pre-sales", "inquiry", ["agent1"]),
            ("in", "售中 In-sales", "", ["agent1", "agent2"]),
            ("after", "售后 After-sales", "aftersales", ["agent2"]),
            ("complaints", "投诉 Complaints", "complaint", ["agent2"]),
        ):
            team, _ = Team.objects.get_or_create(name=name, defaults={"default_for_kind": kind})
            team.members.add(*[users[m] for m in members])
            team.managers.add(users["manager1"])
            teams[key] = team
        return teams

    def _shifts_and_handover(self, users: dict[str, Any], teams: dict[str, Team]) -> None:
        """The in-sales team works an early shift (agent1) and an evening shift (agent2); agent1 has written
        one handover. Made once: a shift or handover already there is left alone."""
        team = teams["in"]
        for name, start, end, member in (("早班", time(8), time(16), "agent1"), ("晚班", time(16), time(0), "agent2")):
            if not Shift.objects.filter(team=team, name=name).exists():
                shift_create(
                    team=team,
                    name=name,
                    start_time=start,
                    end_time=end,
                    members=[users[member]],
                    actor=users["manager1"],
                )
        if not Handover.objects.filter(team=team, author=users["agent1"]).exists():
            handover_create(
                author=users["agent1"],
                team=team,
                notes="询单未下单的买家：王女士问了纯棉T恤L码，说晚上再来下单，请晚班留意。\n"
                "待跟进：两位催发货的买家已答复今天发出，明天上午核对物流。",
            )

    def _canned_replies(self, users: dict[str, Any], teams: dict[str, Team]) -> None:
        """A few canned replies (快捷回复) in the words of the seed documents' 售中话术规范; each made once."""
        folders = {folder.name: folder for folder in Folder.objects.filter(team__isnull=True)}
        manager, agent = users["manager1"], users["agent1"]
        specs: list[tuple[Any, str, Team | None, str, str, str, str]] = [
            (manager, "global", None, "售前", "问候", "您好", "{{买家称呼}}您好，有什么可以帮您的？我是{{客服名}}。"),
            (manager, "global", None, "售中", "请稍等", "稍等", "请稍等，我马上为您查询。"),
            (
                manager,
                "global",
                None,
                "售中",
                "发货时间",
                "发货",
                "{{买家称呼}}您好，因为每天发货量很大，所以都是付款后48小时之内发出的，我们一定会尽快。"
                "咱们一起耐心等待下吧。",
            ),
            (manager, "global", None, "售中", "质量放心", "质量", "请您放心，发货前我们都会有专人仔细检查的。"),
            (
                manager,
                "global",
                None,
                "售中",
                "核对收货地址",
                "地址",
                "{{买家称呼}}您好，您的订单{{订单号}}（{{商品}}）已付款，请再核对一下收货地址是否正确哦，感谢您的支持！",
            ),
            (
                manager,
                "team",
                teams["in"],
                "售中",
                "物流查询",
                "物流",
                "{{买家称呼}}您好，您的订单{{订单号}}已于{{发货日期}}发出。到货时间受快递影响，特别着急的话可以"
                "联系当地快递查询催件。处理进度：{{进度链接}}",
            ),
            (
                manager,
                "team",
                teams["after"],
                "售后",
                "售后照片",
                "照片",
                "{{买家称呼}}您好，为了尽快为您处理，请提供快递单号、产品实拍图和瑕疵处图片，谢谢配合。",
            ),
            (
                manager,
                "team",
                teams["complaints"],
                "投诉",
                "致歉",
                "抱歉",
                "真是不好意思给您添麻烦了，{{买家称呼}}。您的问题已记录（工单 {{工单号}}），{{团队}}会尽快处理并回复您。",
            ),
            (
                manager,
                "global",
                None,
                "售后",
                "邀请评价",
                "评价",
                "{{买家称呼}}，感谢您的耐心，问题已处理好。方便的话请为本次服务打个分：{{评价链接}}",
            ),
            (agent, "personal", None, "其他", "感谢支持", "谢谢", "谢谢您对我们的支持和信任，{{买家称呼}}！"),
        ]
        for actor, scope, team, folder, title, shortcut, body in specs:
            try:
                canned_reply_create(
                    actor=actor,
                    scope=scope,
                    team=team,
                    folder=folders.get(folder),
                    title=title,
                    shortcut=shortcut,
                    body=body,
                )
            except ShortcutTaken:
                continue  # made on an earlier run

    def _routing(self, users: dict[str, Any], teams: dict[str, Team]) -> None:
        """Skills (退款, 发票) for the demo agents, and a few routing rules (智能分流); each made once."""
        skills = {name: Skill.objects.get_or_create(name=name)[0] for name in ("退款", "发票")}
        for username, names in (("agent1", ["发票"]), ("agent2", ["退款", "发票"])):
            agent_profile_ensure(user=users[username]).skills.add(*[skills[name] for name in names])
        rules: list[dict[str, Any]] = [
            {
                "name": "安全问题：起火/冒烟/爆炸",
                "keywords": ["起火", "冒烟", "爆炸", "自燃"],
                "set_priority": "urgent",
                "restrict": True,
                "add_tags": ["安全"],
            },
            {
                "name": "发票问题需发票技能",
                "keywords": ["发票", "开票"],
                "required_skill": skills["发票"],
                "add_tags": ["发票"],
            },
            {"name": "退款问题需退款技能", "keywords": ["退款"], "required_skill": skills["退款"]},
            {"name": "VIP 客户优先", "customer_tiers": ["vip"], "set_priority": "high", "add_tags": ["VIP"]},
            {
                "name": "大额订单售后",
                "team": teams["after"],
                "order_amount_min": Decimal("1000"),
                "set_priority": "high",
                "add_tags": ["大额"],
            },
        ]
        for values in rules:
            if not RoutingRule.objects.filter(name=values["name"], team=values.get("team")).exists():
                routing_rule_create(actor=None, **values)

    def _assignment(self, users: dict[str, Any], teams: dict[str, Team]) -> None:
        """Auto-assignment (workforce): the pre-sales and in-sales teams give new tickets to the least-loaded online
        agent; agents have capacities (接待上限). Made once: a later run keeps what was changed since. Everyone
        starts offline — an agent goes online in the top bar."""
        for key in ("pre", "in"):
            TeamWorkSettings.objects.get_or_create(
                team=teams[key], defaults={"assignment_mode": AssignmentMode.LEAST_LOADED}
            )
        for username, capacity in (("agent1", 6), ("agent2", 8), ("manager1", 4)):
            AgentProfile.objects.get_or_create(user=users[username], defaults={"capacity": capacity})

    def _sla(self, users: dict[str, Any], teams: dict[str, Team]) -> None:
        """An office calendar with the 2026 public holidays for after-sales (returns are office work), a
        next-reply target and a second escalation level to the head of service on the default policy, and a
        tighter policy for VIP buyers on chat."""
        calendar, created = BusinessCalendar.objects.get_or_create(
            name="中国大陆办公时间 China office hours",
            defaults={"description": "Mon–Fri 09:00–12:00, 13:30–18:00; 2026 public holidays and 调休."},
        )
        if created:
            WorkingHours.objects.bulk_create(
                WorkingHours(calendar=calendar, weekday=weekday, start=start, end=end)
                for weekday in range(5)
                for start, end in ((time(9), time(12)), (time(13, 30), time(18)))
            )
            calendar_import_days(calendar=calendar, text=CHINA_HOLIDAYS_FILE.read_text(encoding="utf-8"))
        teams["after"].calendar = calendar
        teams["after"].save(update_fields=["calendar"])
        default = (
            SlaPolicy.objects.filter(kind="", priority="", channel="", team=None, customer_tier="")
            .order_by("position", "id")
            .first()
        )
        if default is not None:
            if default.next_reply_minutes is None:
                default.next_reply_minutes = 30
                default.save(update_fields=["next_reply_minutes"])
            step, _ = EscalationStep.objects.get_or_create(policy=default, level=2, defaults={"after_minutes": 30})
            step.notify_users.add(users["admin"])
        SlaPolicy.objects.get_or_create(
            name="VIP 在线咨询 VIP chat",
            defaults={
                "position": 10,
                "channel": "chat",
                "customer_tier": "vip",
                "first_response_minutes": 5,
                "next_reply_minutes": 15,
                "resolution_minutes": 12 * 60,
            },
        )

    def _tickets(self, users: dict[str, Any], teams: dict[str, Team]) -> int:
        now = timezone.now()
        customers = [
            customer_upsert(platform=platform, platform_account_id=account, name=name, phone=phone, tier=tier)
            for name, platform, account, phone, tier in CUSTOMERS
        ]
        orders = []
        for index, customer in enumerate(customers):
            sku, title, price = PRODUCTS[index % len(PRODUCTS)]
            paid = now - timedelta(days=6 - index % 4)
            orders.append(
                order_sync(
                    customer=customer,
                    platform=customer.platform,
                    order_number=f"{customer.platform[:2].upper()}{20261100000 + index * 7919}",
                    status="delivered" if index % 3 else "shipped",
                    paid_amount=price,
                    paid_at=paid,
                    shipped_at=paid + timedelta(hours=20),
                    delivered_at=paid + timedelta(days=3) if index % 3 else None,
                    lines=[OrderLineData(sku=sku, title=title, quantity=1, unit_price=price)],
                ).order
            )
        assignees = {"inquiry": users["agent1"], "complaint": users["agent2"], "aftersales": users["agent2"]}
        for n, (kind, category, channel, priority, subject, description, ci, minutes_ago, next_step) in enumerate(
            TICKETS
        ):
            ticket = ticket_create(
                kind=kind,
                category=category,
                subject=subject,
                description=description,
                channel=channel,
                priority=priority,
                customer=customers[ci],
                order=orders[ci],
                received_at=now - timedelta(minutes=minutes_ago),
                assignee=assignees[kind] if n % 3 else None,
            )
            agent = assignees[kind]
            if next_step in ("replied", "pending", "resolved"):
                ticket_reply(ticket=ticket, author=agent, body="您好，已收到您的问题，正在为您处理，请稍候。")
            if next_step in ("pending", "resolved"):
                ticket_transition(ticket=ticket, to_status="pending_customer", actor=agent)
            if next_step == "resolved":
                ticket_add_customer_message(ticket=ticket, body="好的，收到补偿了，谢谢。")
                ticket_transition(ticket=ticket, to_status="resolved", actor=agent)
            if n == 6:
                ticket_add_note(ticket=ticket, author=agent, body="客户是金卡会员，优先处理。")
        self._aftersales(users, customers, orders)
        history = create_history(
            agents=[users["agent1"], users["agent2"]], teams=teams, customers=customers, orders=orders
        )
        return len(TICKETS) + history

    def _aftersales(self, users: dict[str, Any], customers: list[Any], orders: list[Any]) -> None:
        """Three after-sales requests: one over the agent's limit waiting for the manager's approval, one small
        compensation, one 7-day no-reason return. Evidence photos are drawn here (no files to ship)."""
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image, ImageDraw

        def photo(name: str, colour: str) -> SimpleUploadedFile:
            image = Image.new("RGB", (480, 360), colour)
            ImageDraw.Draw(image).rectangle((150, 110, 330, 250), outline="white", width=6)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")

        agent = users["agent2"]
        earphones = aftersales_request_create(
            order=orders[1],
            customer=customers[1],
            type="return_refund",
            reason_code="quality_defect",
            lines=[LineInput(sku=orders[1].lines.first().sku, quantity=1)],
            description="右耳有电流声，申请退货退款。",
            refund_amount=orders[1].paid_amount,
            evidence=[
                EvidenceInput("product_photo", photo("earphones.png", "#3b6ea8")),
                EvidenceInput("defect_photo", photo("defect.png", "#a83b3b")),
            ],
            channel="api",
            created_by=users["platform"],
        )
        aftersales_approval_request(request=earphones, actor=agent, note="金额超过我的退款额度，请主管审批。")
        aftersales_request_create(
            order=orders[4],
            customer=customers[4],
            type="compensation",
            reason_code="other",
            lines=[LineInput(sku=orders[4].lines.first().sku, quantity=1)],
            description="包上有一点污渍，不想退货，希望补偿。",
            compensation_amount=Decimal("15.00"),
            channel="chat",
            created_by=agent,
        )
        aftersales_request_create(
            order=orders[2],
            customer=customers[2],
            type="return_refund",
            reason_code="no_reason",
            lines=[LineInput(sku=orders[2].lines.first().sku, quantity=1)],
            description="颜色不喜欢，七天无理由退货。",
            channel="api",
            created_by=users["platform"],
        )
