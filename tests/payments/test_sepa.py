"""pain.001.001.03 files: valid against the XSD shipped with sepaxml, deterministic, checked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from importlib import resources

import pytest
import xmlschema

from activities.payments.sepa import build_transfer
from domain.payments.ledger import PaymentKind
from infra.payments.model import BatchHeader, PaymentError, end_to_end_id_for, entry_id_for
from tests.eventstore.ledger_builders import entry
from tests.payments.builders import row_of

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
HEADER = BatchHeader(
    batch_id="b-20250304-0a1b2c3d",
    organisation_id="org-lecce",
    created_at=datetime(2025, 3, 4, 10, 30, tzinfo=UTC),
    created_by="adele",
    message_id="PW-b-20250304-0a1b2c3d",
    execution_date=date(2025, 3, 5),
    debtor_name="Cooperativa Sociale Àncora",
    debtor_iban="IT60 X054 2811 1010 0000 0123 456",
    debtor_bic="BPMOIT22XXX",
)
ROWS = [
    row_of(entry("pw-0001", 600_00, kind=PaymentKind.WORK_GRANT_ALLOWANCE, period="2025-02")),
    row_of(entry("pw-0002", 1234_56, payee_name="Arredi Salentini di Nicolò Greco")),
    row_of(entry("pw-0003", 1, kind=PaymentKind.UTILITIES, iban="DE89370400440532013000")),
]


def xsd() -> xmlschema.XMLSchema:
    shipped = resources.files("sepaxml").joinpath("schemas", "pain.001.001.03.xsd")
    return xmlschema.XMLSchema(str(shipped))


def test_the_file_validates_against_the_shipped_xsd_and_carries_every_transfer() -> None:
    document = build_transfer(HEADER, ROWS)

    xsd().validate(document.decode())
    root = ET.fromstring(document)
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", namespaces=NS) == HEADER.message_id
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm", namespaces=NS) == (
        "2025-03-04T10:30:00"
    )
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "1834.57"
    transfers = root.findall(".//p:CdtTrfTxInf", NS)
    assert [t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in transfers] == [
        r.end_to_end_id for r in ROWS
    ]
    assert [t.findtext("p:Amt/p:InstdAmt", namespaces=NS) for t in transfers] == [
        "600.00",
        "1234.56",
        "0.01",
    ]
    assert transfers[1].findtext("p:Cdtr/p:Nm", namespaces=NS) == "Arredi Salentini di Nicolo Greco"
    debtor = root.find(".//p:PmtInf", NS)
    assert debtor is not None
    assert debtor.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "IT60X0542811101000000123456"


def test_the_same_batch_gives_the_same_bytes() -> None:
    assert build_transfer(HEADER, ROWS) == build_transfer(HEADER, ROWS)


def test_end_to_end_ids_fit_sepa_and_lead_back_to_their_entry() -> None:
    for row in ROWS:
        assert len(row.end_to_end_id) <= 35
        assert entry_id_for(row.end_to_end_id) == row.entry.entry_id
    assert end_to_end_id_for("manual-7") == "manual-7"
    with pytest.raises(PaymentError):
        end_to_end_id_for("x" * 36)


@pytest.mark.parametrize(
    ("rows", "header", "code"),
    [
        (
            [row_of(entry("pw-1", 10_00, iban="IT61X0542811101000000123456"))],
            HEADER,
            "invalid_iban",
        ),
        ([row_of(entry("pw-1", 10_00, iban="IT60X05428"))], HEADER, "invalid_iban"),
        ([row_of(entry("pw-1", 10_00, payee_name="  "))], HEADER, "unknown_payee"),
        ([row_of(entry("pw-1", 25_000_01))], HEADER, "amount_out_of_range"),
        (
            [row_of(entry("pw-1", 10_00))],
            HEADER.model_copy(update={"debtor_iban": "IT00X0542811101000000123456"}),
            "invalid_iban",
        ),
        (
            [row_of(entry("pw-1", 10_00))],
            HEADER.model_copy(update={"debtor_bic": "BPMO"}),
            "invalid_bic",
        ),
    ],
)
def test_what_the_bank_would_refuse_is_refused_here(
    rows: list[object], header: BatchHeader, code: str
) -> None:
    with pytest.raises(PaymentError) as refused:
        build_transfer(header, rows)  # type: ignore[arg-type]
    assert refused.value.code == code


def test_a_negative_amount_is_refused() -> None:
    negative = row_of(entry("pw-1", 10_00)).model_copy(deep=True)
    bad = negative.model_copy(update={"entry": negative.entry.model_copy(update={"amount": -5})})
    with pytest.raises(PaymentError) as refused:
        build_transfer(HEADER, [bad])
    assert refused.value.code == "amount_out_of_range"
