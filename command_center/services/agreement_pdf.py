"""The mediation agreement (人民调解协议书) as a PDF, in the usual layout: the number, the
parties, the facts and the matters in dispute, the terms agreed, how and by when they are
fulfilled, the signatures, and the committee's seal area.

The Chinese font is the TrueType WenQuanYi Micro Hei (Debian's fonts-wqy-microhei, installed by
scripts/setup), embedded as a subset: reportlab cannot embed the CFF-flavoured Noto CJK OTFs.
The parties' full names and identity numbers come only from an audited reveal
(services/personal.py); given the masked ones, the agreement prints them masked. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from command_center.clock import CST

FONT_NAME = "WQYMicroHei"
FONT_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
)

ROLE_ZH = {"applicant": "申请人", "respondent": "被申请人", "third_party": "第三人"}


class FontMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "找不到中文字体文泉驿微米黑（fonts-wqy-microhei）/ the Chinese font WenQuanYi Micro "
            "Hei (fonts-wqy-microhei) is not installed"
        )


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    for path in FONT_PATHS:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            return FONT_NAME
    raise FontMissing()


def agreement_pdf(
    *,
    number: str,
    committee: str,
    parties: Sequence[Mapping[str, Any]],
    facts: str,
    terms: str,
    fulfil_by: dt.date | None,
    mediator: str | None,
    signed_on: dt.datetime,
) -> bytes:
    """The agreement as PDF bytes. ``parties``: dicts with role, name, id_number, phone,
    address (raw from a reveal, or masked)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import Flowable

    font = _register_font()
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=28, alignment=1)
    centre = ParagraphStyle("centre", fontName=font, fontSize=11, leading=16, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK",
                          firstLineIndent=24)
    head = ParagraphStyle("head", fontName=font, fontSize=12, leading=20, wordWrap="CJK",
                          spaceBefore=6)
    cell = ParagraphStyle("cell", fontName=font, fontSize=11, leading=16, wordWrap="CJK")

    def para(text_: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(text_).replace("\n", "<br/>"), style)

    class Seal(Flowable):  # the committee's seal area: a dashed circle with its name
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name
            self.width, self.height = 44 * mm, 44 * mm

        def draw(self) -> None:
            c = self.canv
            c.setDash(3, 3)
            c.setStrokeColor(colors.grey)
            c.circle(self.width / 2, self.height / 2, 20 * mm)
            c.setFont(font, 9)
            c.setFillColor(colors.grey)
            c.drawCentredString(self.width / 2, self.height / 2 - 3, "（盖章）")

    story: list[Any] = [
        para("人民调解协议书", title),
        Spacer(1, 4 * mm),
        para(f"编号：{number}", centre),
        Spacer(1, 6 * mm),
    ]
    for p in parties:
        role = ROLE_ZH.get(str(p.get("role")), str(p.get("role")))
        bits = [f"{role}：{p.get('name') or ''}"]
        if p.get("id_number"):
            bits.append(f"身份证号码：{p['id_number']}")
        if p.get("phone"):
            bits.append(f"联系电话：{p['phone']}")
        if p.get("address"):
            bits.append(f"住址：{p['address']}")
        story.append(para("，".join(bits), head))
    story += [
        para("纠纷主要事实、争议事项：", head),
        para(facts, body),
        para("经调解，双方当事人自愿达成如下协议：", head),
        para(terms, body),
        para("履行方式、时限：", head),
        para(
            f"上述协议内容于{fulfil_by:%Y年%m月%d日}前履行完毕。" if fulfil_by
            else "上述协议内容自签订之日起履行。",
            body,
        ),
        para(
            "本协议一式三份，双方当事人、人民调解委员会各执一份。本协议经双方当事人签名、"
            "人民调解员签名并加盖人民调解委员会印章后生效，具有法律约束力，当事人应当按照约定"
            "履行。",
            body,
        ),
        Spacer(1, 10 * mm),
    ]
    signs = [
        [para("当事人（签名）：", cell), para("当事人（签名）：", cell)],
        [para("", cell), para("", cell)],
        [para(f"人民调解员（签名）：{mediator or ''}", cell), para("记录人（签名）：", cell)],
    ]
    table = Table(signs, colWidths=[80 * mm, 80 * mm], rowHeights=[10 * mm, 10 * mm, 12 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    seal_block = Table(
        [[Seal(committee), [para(committee, cell),
                            para(f"{signed_on.astimezone(CST):%Y年%m月%d日}", cell)]]],
        colWidths=[50 * mm, 110 * mm],
    )
    seal_block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(seal_block)

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
        bottomMargin=20 * mm, title=f"人民调解协议书 {number}", author=committee,
    )
    doc.build(story)
    return out.getvalue()


def case_agreement_pdf(file: Any, parties: Sequence[Mapping[str, Any]] | None = None) -> bytes:
    """The agreement of a case file (services/disputes.CaseFile); ``parties`` as revealed
    (raw), or the file's masked ones."""
    case = file.case
    if not case.agreement_text:
        raise ValueError("该案件尚未达成协议 / the case has no agreement")
    if parties is None:
        parties = [
            {"role": p.role, "name": p.name, "id_number": p.id_number, "phone": p.phone,
             "address": p.address}
            for p in file.parties
        ]
    return agreement_pdf(
        number=case.number,
        committee=file.org_name or "人民调解委员会",
        parties=parties,
        facts=case.summary,
        terms=case.agreement_text,
        fulfil_by=case.fulfil_by,
        mediator=case.mediator_name,
        signed_on=case.concluded_at or case.received_at,
    )
