"""A4 documents as PDF (fpdf2) and their delivery to a CUPS queue or a folder.

Nothing heavy is imported here: fpdf2, fontTools and python-barcode load when a document is made.
"""

from __future__ import annotations

from .data import (
    ChecklistSheetData,
    OfficeLetterhead,
    PickupProofData,
    ReportColumn,
    ReportData,
    RequestReceiptData,
    RequirementLine,
)
from .delivery import deliver_pdf
from .documents import checklist_pdf, pickup_proof_pdf, report_pdf, request_receipt_pdf
from .report import RecapData, recap_file_name, recap_pdf

__all__ = [
    "ChecklistSheetData",
    "OfficeLetterhead",
    "PickupProofData",
    "RecapData",
    "ReportColumn",
    "ReportData",
    "RequestReceiptData",
    "RequirementLine",
    "checklist_pdf",
    "deliver_pdf",
    "pickup_proof_pdf",
    "recap_file_name",
    "recap_pdf",
    "report_pdf",
    "request_receipt_pdf",
]
