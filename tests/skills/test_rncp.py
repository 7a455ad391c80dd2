"""The RNCP import (skills/rncp.py): France compétences' CSV ZIP and XML exports put the
official bloc codes and wordings on the shipped référentiels, the fiche's status, end of
registration and replacement; a re-import changes nothing; a later export with other
blocs renews the version and the evidence keeps counting; a malformed file changes
nothing; the director's page shows it all."""

from __future__ import annotations

import copy
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from skills import rncp
from skills.acquisition import by_competency, mapped_to
from skills.forms import RncpImportForm
from skills.models import Bloc, Competency, DiplomaVersion, Evidence, RncpFiche
from skills.rncp_samples import build
from tests.skills.test_referentiels import import_shipped
from tests.training.conftest import make_pupil

pytestmark = pytest.mark.django_db

SAMPLES = Path(build.__file__).parent
DAY = build.SAMPLE_DAY


def run(data: bytes, name: str = "export.zip") -> rncp.Report:
    return rncp.import_export(name, io.BytesIO(data))


def sample(number: str) -> dict:
    return copy.deepcopy(next(f for f in build.SAMPLE if f["number"] == number))


def cuisine_2023() -> DiplomaVersion:
    return DiplomaVersion.objects.get(diploma__code="CAP-CUISINE", label="2023")


def snapshot() -> list:
    return list(
        Bloc.objects.order_by("pk").values_list("version_id", "code", "rncp_code", "name")
    ) + list(RncpFiche.objects.order_by("pk").values_list("number", "exported_on", "active"))


@pytest.fixture
def shipped(db):
    import_shipped()


@pytest.mark.parametrize(
    "name",
    [
        "export-fiches-csv-2026-12-01.zip",
        "export-fiches-rncp-v4-1-2026-12-01.zip",
        "export_fiches_RNCP_V4_1_2026-12-01.xml",
    ],
)
def test_each_sample_puts_the_official_codes_on_the_shipped_blocs(shipped, name):
    report = run((SAMPLES / name).read_bytes(), name)

    assert report.exported_on == DAY
    blocs = {b.code: b for b in cuisine_2023().blocs.all()}
    assert blocs["UP2"].rncp_code == "RNCP38430BC02"
    assert blocs["UP2"].name == "Préparation et distribution de la production de cuisine"
    assert blocs["UG4"].rncp_code == "RNCP38430BC05"
    fiche = RncpFiche.objects.get(number="RNCP38430")
    assert fiche.version == cuisine_2023() and fiche.active and fiche.exported_on == DAY
    # No bloc was added or renewed: the shipped units were all matched.
    assert not report.renewed
    assert cuisine_2023().blocs.count() == 5
    # A fiche of no diploma of the school is left out.
    assert not RncpFiche.objects.filter(number="RNCP34613").exists()


def test_the_inactive_fiche_keeps_its_end_and_names_its_replacement(shipped):
    run(build.csv_zip(build.SAMPLE, DAY))

    old = RncpFiche.objects.get(number="RNCP37553")
    assert not old.active
    assert old.registration_ends == dt.date(2024, 8, 31)
    assert old.replaced_by_numbers == ["RNCP38430"]
    assert old.version == DiplomaVersion.objects.get(diploma__code="CAP-CUISINE", label="2016")
    assert RncpFiche.objects.get(number="RNCP38430").replaces == "RNCP37553"


def test_importing_the_same_export_again_changes_nothing(shipped):
    data = build.csv_zip(build.SAMPLE, DAY)
    run(data)
    before = snapshot()

    report = run(data)

    assert snapshot() == before
    assert "RNCP38430" in report.unchanged and not report.renewed
    assert DiplomaVersion.objects.count() == 6


def test_the_xml_and_the_csv_of_one_export_give_the_same_result(shipped):
    run(build.xml_zip(build.SAMPLE, DAY))
    after_xml = snapshot()

    report = run(build.csv_zip(build.SAMPLE, DAY))

    assert snapshot() == after_xml
    assert not report.renewed


def test_a_changed_bloc_renews_the_version_and_the_evidence_keeps_counting(
    shipped, woodwork, woodwork_trainer
):
    run(build.csv_zip(build.SAMPLE, DAY))
    old = cuisine_2023()
    competency = Competency.objects.get(bloc__version=old, bloc__code="UP2", code="C3")
    pupil = make_pupil(woodwork, "Inès", "Petit", dt.date(2010, 1, 5))
    piece = Evidence.objects.create(
        student=pupil,
        competency=competency,
        source="observation",
        date=DAY,
        level=3,
        autonomy="autonomous",
        recorded_by=woodwork_trainer,
    )
    piece.validate(woodwork_trainer)
    later = sample("RNCP38430")
    later["blocs"][1] = ("RNCP38430BC02", "UP2 - Préparation, dressage et distribution")
    later["blocs"].append(("RNCP38430BC06", "Bloc facultatif - Mobilité"))

    report = run(build.csv_zip([later], dt.date(2027, 3, 1)))

    (new,) = report.renewed
    assert new.previous == old and new.rncp == "RNCP38430"
    assert new.label == "RNCP 2027-03-01"
    blocs = {b.rncp_code: b for b in new.blocs.all()}
    assert blocs["RNCP38430BC02"].code == "UP2"
    assert blocs["RNCP38430BC02"].name == "Préparation, dressage et distribution"
    assert blocs["RNCP38430BC06"].code == "BC06"
    assert not blocs["RNCP38430BC06"].competencies.exists()  # the arrêté's CSV brings them
    # The old version and its evidence are untouched; on the new one the evidence counts.
    assert Evidence.objects.get(pk=piece.pk).competency == competency
    assert (
        old.blocs.get(code="UP2").name == "Préparation et distribution de la production de cuisine"
    )
    renewed = Competency.objects.get(bloc__version=new, bloc__code="UP2", code="C3")
    assert by_competency([piece], mapped_to(new))[renewed.pk] == [piece]
    assert RncpFiche.objects.get(number="RNCP38430").version == new

    # The same later export again: nothing more.
    assert not run(build.csv_zip([later], dt.date(2027, 3, 1))).renewed
    assert DiplomaVersion.objects.filter(diploma=old.diploma).count() == 3


def test_an_older_export_than_the_one_imported_changes_nothing(shipped):
    run(build.csv_zip(build.SAMPLE, DAY))
    before = snapshot()
    older = sample("RNCP38430")
    older["blocs"] = older["blocs"][:2]

    report = run(build.csv_zip([older], dt.date(2025, 1, 1)))

    assert report.older == ["RNCP38430"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip nor xml", "mal formé"),
        (b"PK\x03\x04broken", "endommagé"),
        (b"<FICHES><FICHE><NUMERO_FICHE>RNCP38430</NUMERO_FICHE>", "mal formé"),
        (b"<CERTIFS></CERTIFS>", "pas un export"),
        (
            b'<?xml version="1.0"?><!DOCTYPE FICHES [<!ENTITY x "boom">]>'
            b"<FICHES><FICHE><INTITULE>&x;</INTITULE></FICHE></FICHES>",
            "DTD",
        ),
    ],
)
def test_a_malformed_file_is_refused_clearly_and_changes_nothing(shipped, data, message):
    before = snapshot()
    with pytest.raises(rncp.RncpFileError, match=message):
        run(data, "export.xml")
    assert snapshot() == before


def test_a_bad_value_in_one_fiche_changes_nothing_of_the_others(shipped):
    before = snapshot()
    bad = sample("RNCP37553")
    bad["blocs"][0] = ("UP1", "Organisation")  # not an RNCP bloc code
    with pytest.raises(rncp.RncpFileError, match="RNCPxxxxxBCyy"):
        run(build.csv_zip([sample("RNCP38430"), bad], DAY))
    assert snapshot() == before


def test_a_zip_without_the_blocs_file_is_refused(shipped):
    import zipfile

    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(build.csv_zip(build.SAMPLE, DAY)))
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in source.namelist():
            if "Blocs" not in member:
                archive.writestr(member, source.read(member))
    with pytest.raises(rncp.RncpFileError, match="Blocs_De_Comp"):
        run(buffer.getvalue())
    assert not RncpFiche.objects.exists()


def test_the_command_imports_a_sample(shipped, capsys):
    call_command("import_rncp", str(SAMPLES / "export-fiches-csv-2026-12-01.zip"))
    assert RncpFiche.objects.filter(version__isnull=False).count() == 6
    assert "RNCP38430" in capsys.readouterr().out


def test_the_director_sees_what_is_checked_and_what_is_not(shipped, client_for, director):
    url = reverse("skills:rncp")
    page = client_for(director).get(url).content.decode()
    assert "RNCP38430" in page and "non vérifié" in page

    upload = io.BytesIO(build.csv_zip(build.SAMPLE, DAY))
    upload.name = "export-fiches-csv-2026-12-01.zip"
    response = client_for(director).post(url, {"file": upload})
    assert response.status_code == 302

    page = client_for(director).get(url).content.decode()
    assert "RNCP38430BC02" in page
    # The inactive fiche, its end and its replacement.
    assert "31/08/2024" in page
    assert "RNCP37553" in page and "RNCP38430" in page


def test_a_malformed_upload_shows_the_error_and_imports_nothing(shipped, client_for, director):
    upload = io.BytesIO(b"<FICHES><FICHE>")
    upload.name = "export.xml"
    response = client_for(director).post(reverse("skills:rncp"), {"file": upload})
    assert response.status_code == 200
    assert "mal formé" in response.content.decode()
    assert not RncpFiche.objects.exists()


def test_only_the_director_imports(client_for, office, woodwork_trainer):
    assert client_for(office).get(reverse("skills:rncp")).status_code == 403
    assert client_for(woodwork_trainer).get(reverse("skills:rncp")).status_code == 403


def test_a_file_too_big_for_the_page_points_to_the_command(
    shipped, client_for, director, monkeypatch
):
    monkeypatch.setattr(RncpImportForm, "MAX_BYTES", 100)
    upload = io.BytesIO(build.csv_zip(build.SAMPLE, DAY))
    upload.name = "export-fiches-csv-2026-12-01.zip"
    response = client_for(director).post(reverse("skills:rncp"), {"file": upload})
    assert response.status_code == 200
    assert "import_rncp" in response.content.decode()
    assert not RncpFiche.objects.exists()
