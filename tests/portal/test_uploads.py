import hashlib
import io
import zipfile
from pathlib import PurePath

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfWriter

from applications.models import Evidence
from portal.models import private_upload_path
from portal.uploads import JPEG, PDF, PNG, XLSX, sanitise_filename, sha256_of, sniff_type

pytestmark = pytest.mark.unit


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), color=(0, 128, 0)).save(buffer, format=image_format)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.worksheets[0]["A1"] = "ประชากร"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(pdf_bytes(), PDF, id="pdf"),
        pytest.param(image_bytes("PNG"), PNG, id="png"),
        pytest.param(image_bytes("JPEG"), JPEG, id="jpeg"),
        pytest.param(xlsx_bytes(), XLSX, id="xlsx"),
    ],
)
def test_sniff_type_recognises_real_files_by_content(content, expected):
    file = io.BytesIO(content)

    result = sniff_type(file)

    assert result == expected


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(bytes(range(256)) * 4, id="random-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param(b"<html><body>letter</body></html>", id="html"),
        pytest.param(zip_bytes({"readme.txt": b"hello"}), id="plain-zip"),
        pytest.param(
            zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), id="docx-zip"
        ),
        pytest.param(b"PK\x03\x04 truncated, not a zip directory", id="broken-zip"),
    ],
)
def test_sniff_type_returns_none_for_unknown_content(content):
    file = io.BytesIO(content)

    result = sniff_type(file)

    assert result is None


def test_sniff_type_trusts_content_not_the_name_of_a_pdf_renamed_png(tmp_path):
    path = tmp_path / "scan.png"
    path.write_bytes(pdf_bytes())

    with path.open("rb") as file:
        result = sniff_type(file)

    assert result == PDF


@pytest.mark.parametrize("content", [pdf_bytes(), xlsx_bytes(), b"garbage"], ids=["pdf", "xlsx", "unknown"])
def test_sniff_type_leaves_the_file_position_where_it_was(content):
    file = io.BytesIO(content)
    file.seek(3)

    sniff_type(file)

    assert file.tell() == 3


@pytest.mark.parametrize(
    ("name", "file_type", "expected"),
    [
        pytest.param("C:\\Users\\somchai\\Desktop\\letter.pdf", None, "letter.pdf", id="windows-path"),
        pytest.param("/home/somchai/letter.pdf", None, "letter.pdf", id="posix-path"),
        pytest.param("../../etc/passwd", None, "passwd", id="parent-traversal"),
        pytest.param("..\\..\\windows\\win.ini", PDF, "win.pdf", id="windows-parent-traversal"),
        pytest.param("..", None, "file", id="only-dots"),
        pytest.param("", PDF, "file.pdf", id="empty"),
        pytest.param("หนังสือมอบอำนาจ.pdf", None, "หนังสือมอบอำนาจ.pdf", id="thai-kept"),
        pytest.param("หนังสือ ฉบับที่ 1 (แก้ไข).PDF", PDF, "หนังสือ ฉบับที่ 1 (แก้ไข).pdf", id="thai-spaces-parentheses"),
        pytest.param("a\x00b\nc.pdf", None, "a_b_c.pdf", id="control-characters"),
        pytest.param("name\r\nX-Evil: 1.pdf", None, "name_X-Evil_ 1.pdf", id="header-injection"),
        pytest.param('x"; filename=evil.pdf', None, "x_ filename_evil.pdf", id="quote-injection"),
        pytest.param("file.p\x07df", None, "file.pdf", id="control-character-in-extension"),
        pytest.param("e\u0301cole.pdf", None, "\u00e9cole.pdf", id="nfc-normalised"),
        pytest.param("letter.png", PDF, "letter.pdf", id="extension-forced-pdf"),
        pytest.param("report.pdf", XLSX, "report.xlsx", id="extension-forced-xlsx"),
        pytest.param("photo.jpeg", JPEG, "photo.jpg", id="extension-forced-jpeg"),
        pytest.param("noextension", PNG, "noextension.png", id="extension-added"),
        pytest.param("report.exe", None, "report.exe", id="extension-kept-without-type"),
    ],
)
def test_sanitise_filename(name, file_type, expected):
    result = sanitise_filename(name, file_type=file_type)

    assert result == expected


def test_sanitise_filename_shortens_the_stem_and_keeps_the_extension():
    result = sanitise_filename("ก" * 200 + ".pdf", file_type=PDF, max_length=20)

    assert result == "ก" * 16 + ".pdf"


def test_sanitise_filename_never_exceeds_max_length_even_with_a_long_extension():
    result = sanitise_filename("report." + "x" * 200)

    assert len(result) <= 120
    assert result.startswith("report")


def test_sha256_of_hashes_the_whole_file_and_rewinds():
    content = pdf_bytes() + b"\x00" * (3 * 1024 * 1024)  # more than one 1 MB chunk
    file = io.BytesIO(content)

    digest = sha256_of(file)

    assert digest == hashlib.sha256(content).hexdigest()
    assert file.tell() == 0


def test_sha256_of_an_empty_file():
    result = sha256_of(io.BytesIO(b""))

    assert result == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("aqi.PDF", ".pdf"),
        ("report." + "p" * 200, ""),
        ("no-extension", ""),
        ("x.p<d>f", ""),
        ("archive.tar.gz", ".gz"),
    ],
)
def test_private_upload_path_keeps_only_a_short_plain_extension(name, suffix):
    path = private_upload_path(Evidence(), name)

    assert (path.startswith("applications/evidence/"), PurePath(path).suffix, len(path) <= 100) == (True, suffix, True)
