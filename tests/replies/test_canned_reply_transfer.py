import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from replies.models import CannedReply, Folder
from replies.services.transfer import (
    IMPORT_MAX_BYTES,
    ImportRefused,
    canned_reply_import,
    export_csv,
    export_xlsx,
    safe_cell,
)

from .helpers import reply

pytestmark = pytest.mark.django_db

HEADER = "scope,team,folder,title,shortcut,body\n"


def test_a_csv_imports_every_row(manager, team):
    content = (
        HEADER
        + "global,,售中,发货通知,发货,{{买家称呼}}您好，已发货\n"
        + f"team,{team.name},催单,催发货,催,马上安排\n"
        + ",,,我的,wd,个人话术\n"
    ).encode()
    result = canned_reply_import(actor=manager, content=content)
    assert (result.created, result.updated) == (3, 0)
    assert CannedReply.objects.get(shortcut="催").folder == Folder.objects.get(team=team, name="催单")
    assert CannedReply.objects.get(shortcut="wd").owner == manager


def test_a_file_with_a_bad_row_imports_nothing_and_names_every_bad_row(agent, team):
    content = (
        HEADER
        + ",,,好的,ok,没问题\n"
        + "global,,,全局,g,不行\n"  # an agent may not write global replies
        + ",,,未知变量,x,{{订单编号}}\n"
        + ",,,,empty,\n"
        + ",,,重复,ok,第二次\n"
        + "universe,,,怪,u,x\n"
    ).encode()
    with pytest.raises(ImportRefused) as refused:
        canned_reply_import(actor=agent, content=content)
    assert set(refused.value.fields) == {"row 3", "row 4", "row 5", "row 6", "row 7"}
    assert "订单编号" in " ".join(refused.value.fields["row 4"])
    assert "row 2" in " ".join(refused.value.fields["row 6"])
    assert not CannedReply.objects.exists()


def test_importing_again_updates_replies_with_the_same_shortcut(agent):
    reply(agent, "ok", "旧的")
    result = canned_reply_import(actor=agent, content=(HEADER + ",,,好的,#OK,新的\n").encode())
    assert (result.created, result.updated) == (0, 1)
    assert CannedReply.objects.get().body == "新的"


def test_chinese_headers_and_a_gbk_csv_from_excel_are_understood(agent):
    content = "标题,快捷短语,内容\n发货,fh,亲，已发货\n".encode("gb18030")
    assert canned_reply_import(actor=agent, content=content).created == 1
    assert CannedReply.objects.get().title == "发货"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40,  # an image
        b"PK\x03\x04" + b"\x00" * 100,  # a broken zip
        b"",
        b"hello,world\n1,2\n",  # no title/shortcut/body columns
    ],
)
def test_what_is_not_a_replies_spreadsheet_is_refused(agent, content):
    with pytest.raises(ImportRefused) as refused:
        canned_reply_import(actor=agent, content=content)
    assert refused.value.status_code == 400


def test_a_zip_that_is_not_a_workbook_is_refused(agent):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.txt", "x")
    with pytest.raises(ImportRefused):
        canned_reply_import(actor=agent, content=buffer.getvalue())


def _workbook_with(parts: dict[str, bytes]) -> bytes:
    """A real workbook of one reply with some of its parts replaced."""
    source = zipfile.ZipFile(io.BytesIO(export_xlsx([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, parts.get(info.filename, source.read(info.filename)))
    return out.getvalue()


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_a_workbook_with_a_damaged_part_is_refused_not_a_server_error(agent, part):
    with pytest.raises(ImportRefused) as refused:
        canned_reply_import(actor=agent, content=_workbook_with({part: b"<not xml"}))
    assert refused.value.status_code == 400


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused_before_unpacking(agent):
    """A few hundred KB that unpack to 60 MB (one enormous cell): refused from the zip's table of contents,
    not read into memory."""
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>' + b"a" * (60 * 1024 * 1024) + b"</t></is></c>"
        b"</row></sheetData></worksheet>"
    )
    content = _workbook_with({"xl/worksheets/sheet1.xml": sheet})
    assert len(content) < IMPORT_MAX_BYTES
    with pytest.raises(ImportRefused) as refused:
        canned_reply_import(actor=agent, content=content)
    assert "too large" in refused.value.message


def test_a_huge_file_is_refused(agent):
    with pytest.raises(ImportRefused) as refused:
        canned_reply_import(actor=agent, content=(HEADER + "a" * IMPORT_MAX_BYTES).encode())
    assert "too large" in refused.value.message


def test_xlsx_round_trip(manager, team):
    reply(manager, "发货", "{{买家称呼}}，您的订单{{订单号}}已发货", scope="global", title="发货通知")
    reply(manager, "催", "马上安排", scope="team", team=team)
    exported = export_xlsx(CannedReply.objects.order_by("id"))
    CannedReply.objects.all().delete()
    result = canned_reply_import(actor=manager, content=exported)
    assert result.created == 2
    restored = CannedReply.objects.get(shortcut="发货")
    assert (restored.scope, restored.title, restored.body) == (
        "global",
        "发货通知",
        "{{买家称呼}}，您的订单{{订单号}}已发货",
    )
    assert CannedReply.objects.get(shortcut="催").team == team


def test_a_protected_cell_imports_as_the_text_it_protected(manager):
    """Export puts ' before a cell that starts like a formula; importing that file again gives back the reply
    as it was, not with a ' in front."""
    reply(manager, "减", "-满199减20，亲可以叠加使用哦", scope="global", title="+优惠说明")
    for exported in (export_xlsx(CannedReply.objects.all()), export_csv(CannedReply.objects.all())):
        CannedReply.objects.all().delete()
        canned_reply_import(actor=manager, content=exported)
        restored = CannedReply.objects.get(shortcut="减")
        assert (restored.title, restored.body) == ("+优惠说明", "-满199减20，亲可以叠加使用哦")


def test_a_refused_row_names_its_column_in_the_page_language(agent):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ImportRefused) as refused:
        canned_reply_import(actor=agent, content=(HEADER + ",,,未知变量,x,{{订单编号}}\n").encode())
    problems = " ".join(next(iter(refused.value.fields.values())))
    assert problems.startswith("内容:") and "body" not in problems
    assert "1 行" in refused.value.message


def test_a_shortcut_taken_while_importing_refuses_the_import_and_keeps_nothing(manager, monkeypatch):
    """Two imports (or an import and a create) at once: the insert that loses the race on the unique shortcut
    is a clear refusal with nothing half-imported, not a server error."""
    from django.db import IntegrityError

    real_create = CannedReply.objects.create
    calls = []

    def create_then_lose_the_race(**fields):
        calls.append(fields["shortcut"])
        if len(calls) == 2:
            raise IntegrityError("canned_reply_global_shortcut_uniq")
        return real_create(**fields)

    monkeypatch.setattr(CannedReply.objects, "create", create_then_lose_the_race)
    content = (HEADER + "global,,,发货,fh,已发货\nglobal,,,退款,tk,已退款\n").encode()
    with pytest.raises(ImportRefused) as refused:
        canned_reply_import(actor=manager, content=content)
    assert refused.value.status_code == 400 and "file" in refused.value.fields
    assert not CannedReply.objects.exists()


def test_export_neutralises_formula_injection(agent):
    reply(agent, "f", '=HYPERLINK("http://evil","点我")', title="+cmd|' /C calc'!A0")
    reply(agent, "g", "@SUM(1+1)", title="-1")
    workbook = load_workbook(io.BytesIO(export_xlsx(CannedReply.objects.order_by("id"))))
    cells = [cell.value for row in workbook.active.iter_rows(min_row=2) for cell in row]
    assert '\'=HYPERLINK("http://evil","点我")' in cells and "'+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells and "'-1" in cells
    assert all(not (isinstance(c, str) and c and c[0] in "=+-@") for c in cells)
    text = export_csv(CannedReply.objects.order_by("id")).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text
    assert safe_cell("正常") == "正常"


def test_the_page_lists_refused_rows_with_their_numbers(agent):
    browser = Client()
    browser.force_login(agent)
    upload = SimpleUploadedFile("r.csv", (HEADER + ",,,ok,ok,好\n,,,bad,bad,{{nope}}\n").encode(), "text/csv")
    response = browser.post("/replies/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "row 3" in page and "{{nope}}" in page
    assert not CannedReply.objects.exists()


def test_the_page_exports_csv_and_xlsx_of_what_the_user_sees(agent, other_agent):
    reply(agent, "mine", "我的")
    reply(other_agent, "theirs", "别人的")
    browser = Client()
    browser.force_login(agent)
    csv_text = browser.get("/replies/export/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "mine" in csv_text and "theirs" not in csv_text
    response = browser.get("/replies/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.active[1]] == ["scope", "team", "folder", "title", "shortcut", "body"]
