"""Photos of the work behind evidence: checked, shrunk, attached while the evidence is
still pending (a validated piece never changes, its photos neither)."""

from __future__ import annotations

import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from skills.models import MAX_PHOTOS, Evidence, EvidencePhoto, validate_photo

# A phone's photo is 4000 px and 5 MB; a booklet shows it at a few centimetres. The long
# side is brought down to this, as a JPEG: a few hundred kilobytes each.
LONG_SIDE = 1600
QUALITY = 82


def shrink(upload) -> ContentFile:
    """The upload checked (type, size, content) and re-encoded as a JPEG of at most
    LONG_SIDE pixels, turned upright from its EXIF. Re-encoding also drops the EXIF,
    which may hold where and when the photo was taken."""
    validate_photo(upload)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((LONG_SIDE, LONG_SIDE))
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            elif image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=QUALITY, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(
            _("This is not a photo that can be read."), code="not_an_image"
        ) from exc
    stem = PurePath(upload.name).stem[:60] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.jpg")


def check(uploads, already: int = 0) -> list[ContentFile]:
    """All the uploads shrunk, or a ValidationError naming each one refused."""
    if already + len(uploads) > MAX_PHOTOS:
        raise ValidationError(
            _("At most %(count)s photos per piece of evidence.") % {"count": MAX_PHOTOS},
            code="too_many",
        )
    shrunk, errors = [], []
    for upload in uploads:
        try:
            shrunk.append(shrink(upload))
        except ValidationError as exc:
            errors.extend(f"{upload.name} : {message}" for message in exc.messages)
    if errors:
        raise ValidationError(errors)
    return shrunk


def attach(evidence: Evidence, files: list[ContentFile]) -> list[EvidencePhoto]:
    """Files already through check(): saved on pending evidence (EvidencePhoto.save
    refuses on validated evidence)."""
    photos = []
    for content in files:
        # Written on save, after the model's check that the evidence is still pending.
        photo = EvidencePhoto(evidence=evidence, student_id=evidence.student_id, image=content)
        photo.save()
        photos.append(photo)
    return photos
