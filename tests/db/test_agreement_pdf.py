"""The mediation agreement prints as a PDF whose text extracts with the right Chinese."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from sqlalchemy.orm import Session

from command_center import clock
from command_center.services import agreement_pdf, disputes, personal
from command_center.services.audit import SYSTEM
from tests.conftest import TEST_NOW
from tests.db.test_disputes import VALID_ID, _input


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_the_agreement_pdf_has_the_parties_terms_and_seal_in_chinese(session: Session) -> None:
    clock.freeze(TEST_NOW)
    snap = disputes.intake(session, SYSTEM, _input(session))
    snap = disputes.conclude_agreement(
        session, SYSTEM, snap.id, snap.version,
        terms="一、李明于2026年11月30日前拆除占用通道的围墙；\n二、张建国不再追究其他责任。",
        fulfil_by=dt.date(2026, 11, 30),
    )
    file = disputes.case_file(session, snap.id)
    raw = personal.reveal(session, SYSTEM, "dispute_case", snap.id, "制作调解协议书")
    pdf = agreement_pdf.case_agreement_pdf(file, raw)
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf and b"MicroHei" in pdf  # the TrueType font, embedded
    words = _text(pdf)
    for expected in ("人民调解协议书", f"编号：{snap.number}", "申请人：张建国", VALID_ID,
                     "被申请人：李明", "邻居修建围墙占用通道引发纠纷", "拆除占用通道的围墙",
                     "2026年11月30日前履行完毕", "人民调解员（签名）", "（盖章）", file.org_name):
        assert expected.replace(" ", "") in words, expected
    masked = _text(agreement_pdf.case_agreement_pdf(file))
    assert "1101**********002X" in masked and VALID_ID not in masked


def test_a_case_without_agreement_has_no_pdf(session: Session) -> None:
    snap = disputes.intake(session, SYSTEM, _input(session))
    with pytest.raises(ValueError, match="no agreement"):
        agreement_pdf.case_agreement_pdf(disputes.case_file(session, snap.id))
