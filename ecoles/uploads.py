"""What a user may upload: a size limit and a list of types, each checked by its extension
and by the first bytes of the file (an .html renamed .pdf is refused, and so is a PDF
renamed .html). Attached to the file fields themselves, so that forms, the admin and any
later page check the same way.

An image's size in pixels is read from its header, before anything decodes it: a small
file may claim billions of pixels (a "decompression bomb"), which would take the server's
memory the day a photo is shrunk or a logo printed. Over settings.UPLOAD_MAX_PIXELS it is
refused like a file over UPLOAD_MAX_BYTES.
"""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ZIP = (b"PK\x03\x04",)
# Extension -> the first bytes a file of that type starts with.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
    "heic": (b"ftyp",),  # at offset 4: see _starts
    "dwg": (b"AC10",),
    "docx": ZIP,
    "xlsx": ZIP,
    "odt": ZIP,
    "ods": ZIP,
    "csv": (b"",),  # text: its reader checks the rest
}
OFFSET = {"heic": 4}
# Types whose header Pillow reads (HEIC it cannot: stored as sent, never decoded here).
PIXEL_TYPES = ("png", "jpg", "jpeg", "webp")


def _starts(extension: str, head: bytes) -> bool:
    start = OFFSET.get(extension, 0)
    return any(head[start:].startswith(sig) for sig in SIGNATURES[extension])


@deconstructible
class FileCheck:
    """A file of at most `max_bytes` (default: settings.UPLOAD_MAX_BYTES) whose extension
    is one of `extensions` and whose content starts as that type does."""

    def __init__(self, extensions: tuple[str, ...], max_bytes: int | None = None):
        self.extensions = tuple(extensions)
        self.max_bytes = max_bytes

    def __call__(self, value) -> None:
        limit = self.max_bytes or settings.UPLOAD_MAX_BYTES
        if value.size > limit:
            raise ValidationError(
                _("This file is %(size)s: files are limited to %(limit)s."),
                code="file_too_large",
                params={"size": filesizeformat(value.size), "limit": filesizeformat(limit)},
            )
        extension = value.name.rsplit(".", 1)[-1].lower() if "." in value.name else ""
        allowed = ", ".join(self.extensions)
        if extension not in self.extensions:
            raise ValidationError(
                _("Files of this type are not accepted; accepted: %(allowed)s."),
                code="file_type",
                params={"allowed": allowed},
            )
        position = value.tell() if hasattr(value, "tell") else 0
        value.seek(0)
        head = value.read(16)
        value.seek(position)
        if not _starts(extension, head):
            raise ValidationError(
                _("This file's content is not a .%(extension)s file."),
                code="file_content",
                params={"extension": extension},
            )
        if extension in PIXEL_TYPES:
            _check_pixels(value)

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, FileCheck)
            and self.extensions == other.extensions
            and self.max_bytes == other.max_bytes
        )


def _pixels(value) -> int | None:
    """The pixels an image's header claims (nothing decoded), None if it cannot be read."""
    position = value.tell() if hasattr(value, "tell") else 0
    value.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(value) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return Image.MAX_IMAGE_PIXELS * 2 + 1  # past Pillow's own ceiling: past ours too
    except (UnidentifiedImageError, OSError, ValueError):
        return None  # its reader says what is wrong with it, if anything reads it
    finally:
        value.seek(position)
    return width * height


def _check_pixels(value) -> None:
    limit = settings.UPLOAD_MAX_PIXELS
    pixels = _pixels(value)
    if pixels is not None and pixels > limit:
        raise ValidationError(
            _(
                "This image is %(pixels)s million pixels: images are limited to %(limit)s "
                "million pixels."
            ),
            code="image_too_large",
            params={"pixels": f"{pixels / 1_000_000:.0f}", "limit": f"{limit / 1_000_000:.0f}"},
        )


ATTACHMENT_TYPES = (
    "pdf",
    "jpg",
    "jpeg",
    "png",
    "webp",
    "heic",
    "dwg",
    "docx",
    "xlsx",
    "odt",
    "ods",
)
IMAGE_TYPES = ("png", "jpg", "jpeg")

validate_attachment = FileCheck(ATTACHMENT_TYPES)
validate_logo = FileCheck(IMAGE_TYPES, max_bytes=2 * 1024 * 1024)
