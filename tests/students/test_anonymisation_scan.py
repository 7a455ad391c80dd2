"""After anonymisation nothing anywhere names the former pupil (SPEC.md R6, issue #14 item 7).

A pupil with everything the school can hold about him (guardians, notes, work logs and
attendance with free text, overrides whose refusal message quotes his name, history rows,
admin log lines), anonymised; then every text column of every table, historical tables
included, the media files and his pages are searched for any of his personal data.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from safety.models import Machine, MedicalOpinion, SafetyTraining, Supervision
from schoollife.models import Absence, FamilyNotice
from students import anonymisation
from students.ine import bea_key
from students.models import FollowUpNote, Guardian
from tests.students.conftest import make_student
from tests.training.conftest import at, make_order, session
from training.models import Attendance, Override, WorkLog

BIRTH = ("2003-02-17", "17/02/2003")
SECRETS = [
    "Gwendoline",
    "Quimperlé",
    "2003-02-17",
    "17/02/2003",
    "gwen.quimperle@exemple.fr",
    "06 12 34 56 78",
    "9 impasse des Lilas",
    "Maryvonne",
    "Kerbrat",
    "07 55 44 33 22",
    "m.kerbrat@exemple.fr",
    "1234567890" + bea_key("1234567890"),
]


@pytest.fixture
def former(woodwork, woodwork_trainer, director, teacher, client_for, settings, tmp_path):
    """Gwendoline, who left in 2020, with every kind of data about her."""
    settings.MEDIA_ROOT = tmp_path / "media"  # her files only, not another test's
    pupil = make_student(
        woodwork,
        woodwork_trainer,
        first_name="Gwendoline",
        last_name="Quimperlé",
        birth_date=dt.date(2003, 2, 17),
        entry_date=dt.date(2018, 9, 1),
        cohort=2018,
        phone="06 12 34 56 78",
        email="gwen.quimperle@exemple.fr",
        address="9 impasse des Lilas",
        status="graduated",
        left_on=dt.date(2020, 6, 30),
        leaving_reason="end_of_programme",
        exam_result="passed",
    )
    pupil.city = "Brest"
    pupil.ine = "1234567890" + bea_key("1234567890")
    pupil.save()  # a second history row
    guardian = Guardian.objects.create(
        student=pupil,
        first_name="Maryvonne",
        last_name="Kerbrat",
        phone="07 55 44 33 22",
        email="m.kerbrat@exemple.fr",
    )
    FollowUpNote.objects.create(
        student=pupil,
        category="family",
        text="Gwendoline vit chez Maryvonne Kerbrat.",
        author=woodwork_trainer,
    )
    order = make_order(woodwork, woodwork_trainer, "Bibliothèque")
    day = dt.date(2019, 11, 18)
    work = WorkLog.objects.create(
        order=order,
        student=pupil,
        start=at(day, 8),
        end=at(day, 17),
        task="Ponçage par Gwendoline Quimperlé",
        logged_by=woodwork_trainer,
    )
    session(teacher, at(day, 17), at(day, 18), [pupil], status=Attendance.Status.EXCUSED)
    Attendance.objects.filter(student=pupil).update(reason="Mot de Maryvonne Kerbrat")
    attendance = Attendance.objects.get(student=pupil)
    attendance.reason = "Mot de Mme Kerbrat, 07 55 44 33 22"
    attendance.save()
    Override.objects.create(
        student=pupil,
        rule=Override.Rule.DAILY,
        day=day,
        detail="Gwendoline Quimperlé would be busy 10 h on 18/11/2019: 2 h over 8 h a day.",
        reason="Livraison urgente, accord de Maryvonne Kerbrat",
        work_log=work,
        granted_by=director,
    )
    # Regulated work (R13): a scanned opinion that names her, a training, a supervisor.
    saw = Machine.objects.create(
        workshop=woodwork, inventory_number="MEN-1", name="Scie", kind="machines"
    )
    MedicalOpinion.objects.create(
        student=pupil,
        date=dt.date(2019, 9, 10),
        doctor="Dr Morel",
        outcome="fit",
        scan=ContentFile(b"%PDF-1.4 Avis : Gwendoline Quimperle 17/02/2003", name="avis.pdf"),
        recorded_by=director,
    )
    SafetyTraining.objects.create(
        student=pupil,
        machine=saw,
        date=dt.date(2019, 9, 12),
        given_by=woodwork_trainer,
        signed=True,
        content="Consignes lues avec Gwendoline Quimperlé",
    )
    Supervision.objects.create(
        student=pupil, supervisor=woodwork_trainer, start=dt.date(2019, 9, 12)
    )
    # School life: an absence with a note naming the family, its scanned note, the notice.
    absence = Absence.objects.create(
        student=pupil,
        day=day,
        half="am",
        reason_detail="Appel de Maryvonne Kerbrat au 07 55 44 33 22",
        document=SimpleUploadedFile("mot.pdf", b"%PDF-1.4 Mot pour Gwendoline Quimperle"),
    )
    absence.reason_detail += "."
    absence.save()
    FamilyNotice.objects.create(
        absence=absence,
        student=pupil,
        guardian=guardian,
        email=guardian.email,
        send_after=at(day, 9),
    )
    for obj in (pupil, guardian):  # changed in the admin
        LogEntry.objects.create(
            user=director,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message="[]",
        )
    # The tutor read the notes (the read audit) before the anonymisation.
    notes = client_for(woodwork_trainer).get(reverse("students:notes", args=[pupil.pk]))
    assert notes.status_code == 200
    return pupil


def _text_fields(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def _found_in_database() -> list[str]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = _text_fields(model)
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                text = str(value or "")
                found += [f"{model._meta.label}: {s}" for s in SECRETS if s in text]
    return found


def _found_in_media() -> list[str]:
    found = []
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {s}" for s in SECRETS if s.encode() in data]
    return found


def test_the_scan_sees_the_pupil_before(former):
    """The search itself works: before, it finds every secret somewhere."""
    text = "\n".join(_found_in_database())
    for secret in SECRETS:
        if secret not in BIRTH:  # a date column is not text; pages and export show it
            assert secret in text


def test_nothing_anywhere_names_the_pupil_after_anonymisation(former, director, client_for):
    assert anonymisation.anonymise_former_pupils(by=director) == 1
    assert _found_in_database() == []
    assert _found_in_media() == []
    client = client_for(director)
    pages = [
        reverse("students:detail", args=[former.pk]),
        reverse("training:student_time", args=[former.pk]),
        reverse("training:overrides"),
        reverse("training:worklogs"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert [s for s in SECRETS if s in page] == [], url
    export = client.get(reverse("students:personal_data", args=[former.pk]))
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        content = "".join(archive.read(n).decode() for n in archive.namelist())
    assert [s for s in SECRETS if s in content] == []
    assert "Quimperl" not in export["Content-Disposition"]


def test_only_whole_words_are_rewritten(former, director):
    """The names go, the words that merely contain one stay (a pupil named Kerbrat's task
    about "Kerbratière" is not his name)."""
    work = WorkLog.objects.get(student=former)
    WorkLog.objects.filter(pk=work.pk).update(task="Ponçage à la Kerbratière pour Kerbrat")
    anonymisation.anonymise_former_pupils(by=director)
    work.refresh_from_db()
    assert work.task == f"Ponçage à la Kerbratière pour {anonymisation.anonymous_name(former.pk)}"
