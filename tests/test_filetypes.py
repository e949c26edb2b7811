"""What a file that is not a text report actually is, named in the refusal."""

from __future__ import annotations

import io
import zipfile

import pytest

from common.errors import ReportParseError
from corpus import parse_report


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("report.txt", "Testshire PEEL 2018\n")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_zip(), "a zip archive"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml\x00\x00", "a zip archive"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00", "a GIF image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "an old Microsoft Office document"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "a gzip-compressed file"),
        (b"{\\rtf1\\ansi Testshire PEEL 2018 \xe9\\par}", "an RTF document"),
    ],
)
def test_a_file_that_is_not_text_is_named_for_what_it_is(data, words):
    with pytest.raises(ReportParseError) as caught:
        parse_report(data, "reports/upload.txt")
    assert words in caught.value.message
    assert caught.value.message.startswith("reports/upload.txt, line ")
    assert caught.value.code == "unsupported_media_type"


def test_a_pdf_is_read_as_a_pdf_whatever_its_name():
    """PDFs are reports too now (corpus/pdf.py): a broken one is refused as a damaged PDF."""
    with pytest.raises(ReportParseError, match="the PDF is damaged or truncated"):
        parse_report(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n\x00", "upload.txt")


def test_unknown_binary_still_says_binary():
    with pytest.raises(ReportParseError, match="binary data"):
        parse_report(b"Lancashire PEEL 2018\n\x00\x01\x02binary", "reports/bad.txt")
