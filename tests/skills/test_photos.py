"""Several photos of the work per piece of evidence: shrunk, checked, served to those who
see the evidence, shown in the booklet and its PDF, and never changed once validated."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from skills import photos
from skills.models import MAX_PHOTOS, Evidence, EvidenceLocked, EvidencePhoto
from tests.skills.conftest import evidence
from tests.training.conftest import TODAY


def jpeg(name="work.jpg", size=(3000, 2000), colour="brown") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(name="work.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", (800, 600), (0, 128, 0, 128)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def pending(lea, usiner, woodwork_trainer, table):
    return evidence(lea, usiner, woodwork_trainer, order=table)


def test_a_phone_photo_is_brought_down_to_a_booklet_size_jpeg():
    shrunk = photos.shrink(jpeg(size=(4000, 3000)))
    with Image.open(shrunk) as image:
        assert image.format == "JPEG" and max(image.size) == photos.LONG_SIDE
    with Image.open(photos.shrink(png())) as image:  # transparency on white
        assert image.format == "JPEG" and image.mode == "RGB"


def test_a_file_that_is_not_a_photo_is_refused_by_name(client_for, woodwork_trainer, pending):
    url = reverse("skills:evidence", args=[pending.pk])
    fake = SimpleUploadedFile("plan.png", b"\x89PNG\r\n\x1a\n" + b"nonsense" * 10)
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 ...")
    response = client_for(woodwork_trainer).post(url, {"action": "photos", "photos": [fake, pdf]})
    errors = response.context["photos_form"].errors["photos"]
    assert any("plan.png" in e for e in errors) and any("pdf" in e for e in errors)
    assert not EvidencePhoto.objects.exists()


def test_a_photo_claiming_billions_of_pixels_is_refused_by_name(
    client_for, woodwork_trainer, pending
):
    from tests.trust.test_uploads import png_bomb

    url = reverse("skills:evidence", args=[pending.pk])
    bomb = SimpleUploadedFile("bombe.png", png_bomb(), content_type="image/png")
    response = client_for(woodwork_trainer).post(url, {"action": "photos", "photos": [bomb]})
    assert response.status_code == 200
    errors = response.context["photos_form"].errors["photos"]
    assert any("bombe.png" in e and "millions de pixels" in e for e in errors)
    assert not EvidencePhoto.objects.exists()


def test_the_trainer_adds_several_photos_to_pending_evidence(client_for, woodwork_trainer, pending):
    url = reverse("skills:evidence", args=[pending.pk])
    client = client_for(woodwork_trainer)
    response = client.post(url, {"action": "photos", "photos": [jpeg("a.jpg"), png("b.png")]})
    assert response.status_code == 302
    assert pending.photos.count() == 2
    page = client.get(url).content.decode()
    for photo in pending.photos.all():
        assert reverse("skills:photo", args=[photo.pk]) in page
        assert photo.image.name.startswith(f"evidence/{pending.student_id}/")
        assert "/media/" not in page


def test_no_more_than_the_limit_of_photos(client_for, woodwork_trainer, pending):
    url = reverse("skills:evidence", args=[pending.pk])
    files = [jpeg(f"{n}.jpg", size=(40, 30)) for n in range(MAX_PHOTOS + 1)]
    response = client_for(woodwork_trainer).post(url, {"action": "photos", "photos": files})
    assert response.status_code == 200 and response.context["photos_form"].errors
    assert not EvidencePhoto.objects.exists()


def test_a_photo_is_served_to_those_who_see_the_evidence_only(
    client_for, woodwork_trainer, machining_trainer, office, accountant, pending
):
    photo = photos.attach(pending, photos.check([jpeg(size=(40, 30))]))[0]
    url = reverse("skills:photo", args=[photo.pk])
    response = client_for(woodwork_trainer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    assert client_for(office).get(url).status_code == 200
    assert client_for(machining_trainer).get(url).status_code == 404
    assert client_for(accountant).get(url).status_code == 403


def test_validated_evidence_keeps_its_photos_as_they_were(
    client_for, woodwork_trainer, director, pending
):
    photo = photos.attach(pending, photos.check([jpeg(size=(40, 30))]))[0]
    pending.validate(woodwork_trainer)
    with pytest.raises(EvidenceLocked):
        photos.attach(pending, photos.check([jpeg(size=(40, 30))]))
    with pytest.raises(EvidenceLocked):
        photo.delete()
    with pytest.raises(EvidenceLocked):
        EvidencePhoto.objects.filter(pk=photo.pk).delete()
    with pytest.raises(EvidenceLocked):
        EvidencePhoto.objects.filter(pk=photo.pk).update(image="other.jpg")
    # Nor through the page: the form is gone and a post is refused.
    url = reverse("skills:evidence", args=[pending.pk])
    client = client_for(director)
    assert 'name="photos"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "photos", "photos": [jpeg(size=(40, 30))]})
    assert response.status_code == 403
    assert list(pending.photos.all()) == [photo] and photo.image.storage.exists(photo.image.name)


def test_team_entry_takes_photos_per_pupil_before_validating(
    client_for, woodwork_trainer, lea, lea_logs, table, usiner
):
    url = reverse("skills:entry") + f"?order={table.pk}"
    response = client_for(woodwork_trainer).post(
        url,
        {
            "competency": usiner.pk,
            "date": TODAY.isoformat(),
            "validate_now": "on",
            f"level_{lea.pk}": "3",
            f"autonomy_{lea.pk}": "autonomous",
            f"photos_{lea.pk}": [jpeg("a.jpg", size=(40, 30)), jpeg("b.jpg", size=(40, 30))],
        },
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert item.is_validated and item.photos.count() == 2


def test_the_booklet_and_its_pdf_show_the_photos(
    client_for, woodwork_trainer, lea, pending, monkeypatch
):
    photo = photos.attach(pending, photos.check([jpeg(size=(40, 30))]))[0]
    client = client_for(woodwork_trainer)
    page = client.get(reverse("skills:booklet", args=[lea.pk])).content.decode()
    assert reverse("skills:photo", args=[photo.pk]) in page
    seen = {}
    import skills.views

    def fake_pdf(template, context):
        from django.template.loader import render_to_string

        seen["html"] = render_to_string(template, context)
        return b"%PDF-"

    monkeypatch.setattr(skills.views, "render_pdf", fake_pdf)
    client.get(reverse("skills:booklet_pdf", args=[lea.pk]))
    assert photo.image.url in seen["html"]


def test_a_correction_carries_its_own_photos_and_leaves_the_old_ones(
    client_for, woodwork_trainer, pending
):
    old_photo = photos.attach(pending, photos.check([jpeg(size=(40, 30))]))[0]
    pending.validate(woodwork_trainer)
    response = client_for(woodwork_trainer).post(
        reverse("skills:correct", args=[pending.pk]),
        {
            "date": TODAY.isoformat(),
            "level": "4",
            "autonomy": "autonomous",
            "photos": [jpeg("after.jpg", size=(40, 30))],
        },
    )
    assert response.status_code == 302
    correction = Evidence.objects.get(supersedes=pending)
    assert correction.is_validated and correction.photos.count() == 1
    assert list(pending.photos.all()) == [old_photo]
