"""Uploads (issue #14): a size limit and a list of types, checked by the extension and by
the file's first bytes; the form says what is wrong, in French, and nothing is stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecoles.models import School
from orders.models import Attachment

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def order(scenario):
    return scenario.get("order")[0]


def _attach(client, order, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("orders:attachment_add", args=[order.pk]),
        {"file": SimpleUploadedFile(name, content, content_type), "description": "plan"},
    )


@pytest.mark.parametrize(("name", "content"), [("plan.pdf", PDF), ("photo.PNG", PNG)])
def test_a_plan_or_a_photo_is_accepted(client_for, woodwork_trainer, order, name, content):
    response = _attach(client_for(woodwork_trainer), order, name, content)
    assert response.status_code == 302
    assert Attachment.objects.get().filename == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", HTML, "Les fichiers de ce type ne sont pas acceptés"),
        ("page.pdf", HTML, "Le contenu de ce fichier n'est pas un fichier .pdf"),
        ("plan.exe", b"MZ\x90\x00", "Les fichiers de ce type ne sont pas acceptés"),
        ("sans-extension", PDF, "Les fichiers de ce type ne sont pas acceptés"),
    ],
)
def test_a_page_a_program_or_a_disguised_file_is_refused(
    client_for, woodwork_trainer, order, name, content, message
):
    response = _attach(client_for(woodwork_trainer), order, name, content)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(client_for, woodwork_trainer, order, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    response = _attach(client_for(woodwork_trainer), order, "scan.pdf", big)
    assert response.status_code == 200
    page = response.content.decode()
    assert "les fichiers sont limités à 1,0" in page
    assert not Attachment.objects.exists()


def test_the_default_limit_is_10_megabytes(settings):
    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024


def test_the_school_logo_must_be_a_small_png_or_jpeg(db):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    field = School._meta.get_field("logo")
    with pytest.raises(ValidationError) as refused:
        field.run_validators(SimpleUploadedFile("logo.svg", svg, "image/svg+xml"))
    assert refused.value.error_list[0].code == "file_type"
    with pytest.raises(ValidationError) as refused:
        field.run_validators(SimpleUploadedFile("logo.png", PNG + b"0" * 3 * 1024 * 1024))
    assert refused.value.error_list[0].code == "file_too_large"


def png_bomb(width: int = 15_000, height: int = 15_000) -> bytes:
    """A real PNG of width x height black pixels, 1 bit each: about 27 KB for 15 000 x
    15 000, hundreds of megabytes once decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    pixels = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _image_fields():
    """Every file field of every model that accepts a PNG (checked by FileCheck)."""
    from django.apps import apps
    from django.db.models import FileField

    from ecoles.uploads import FileCheck

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and any(
                isinstance(v, FileCheck) and "png" in v.extensions for v in field.validators
            ):
                yield field


def test_an_image_claiming_more_pixels_than_the_school_allows_is_refused_in_every_upload(db):
    bomb = png_bomb()
    assert len(bomb) < 40_000
    fields = list(_image_fields())
    names = {f"{f.model._meta.label}.{f.name}" for f in fields}
    # Evidence photos, absence documents, medical scans, safety proofs, attachments, logo.
    assert {
        "skills.EvidencePhoto.image",
        "schoollife.Absence.document",
        "safety.MedicalOpinion.scan",
        "orders.Attachment.file",
        "ecoles.School.logo",
    } <= names
    for field in fields:
        with pytest.raises(ValidationError) as refused:
            field.run_validators(SimpleUploadedFile("photo.png", bomb, "image/png"))
        assert refused.value.error_list[0].code == "image_too_large", field


def test_the_pixel_limit_is_the_schools_setting(client_for, woodwork_trainer, order, settings):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), "white").save(out, "PNG")
    settings.UPLOAD_MAX_PIXELS = 1_000_000
    response = _attach(client_for(woodwork_trainer), order, "photo.png", out.getvalue())
    assert response.status_code == 200
    assert "cette image fait 2 millions de pixels" in response.content.decode().lower()
    assert not Attachment.objects.exists()
    settings.UPLOAD_MAX_PIXELS = 2_000_000
    response = _attach(client_for(woodwork_trainer), order, "photo.png", out.getvalue())
    assert response.status_code == 302
