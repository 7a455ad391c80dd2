"""Evidence and booklets in the pupil's data export and on anonymisation (SPEC.md R6)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from skills.models import Appraisal, Evidence, EvidencePhoto
from students import anonymisation, personal_data
from tests.skills.conftest import evidence
from tests.training.conftest import TODAY

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_anonymising_rewrites_evidence_comments_and_drops_the_photos(lea, usiner, woodwork_trainer):
    item = evidence(lea, usiner, woodwork_trainer, comment="Léa Martin a bien travaillé")
    photo = EvidencePhoto.objects.create(
        evidence=item, student=lea, image=SimpleUploadedFile("lea.png", PNG)
    )
    item.validate(woodwork_trainer)
    Appraisal.objects.create(
        student=lea, term_start=dt.date(2026, 9, 1), author=woodwork_trainer, text="Léa progresse"
    )
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    anonymisation.anonymise(type(lea).objects.filter(pk=lea.pk))
    item = Evidence.objects.get(pk=item.pk)
    assert "Martin" not in item.comment and "Léa" not in item.comment
    assert not EvidencePhoto.objects.get(pk=photo.pk).image and not storage.exists(name)
    assert "Léa" not in Appraisal.objects.get().text
    assert all("Léa" not in (h.comment or "") for h in Evidence.history.all())


def test_the_pupils_export_lists_his_evidence_and_programme(
    lea, usiner, woodwork_trainer, director
):
    evidence(lea, usiner, woodwork_trainer, comment="Bon geste", day=TODAY)
    related = personal_data.record(lea, director)["related"]
    assert len(related["skills.evidence"]) == 1
    assert len(related["skills.programme"]) == 1
