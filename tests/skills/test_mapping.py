"""The version mapping at its edges: evidence on an old competency counts for the one
it became, for both when it was split in two, across two renewals, and for nothing when
the new référentiel dropped it; its CSV import (the `remplace` column) is all or
nothing with errors by line."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse

from skills import booklet, importing
from skills.acquisition import by_competency, mapped_to
from skills.models import Bloc, Competency, CompetencyMapping, DiplomaVersion, Programme
from tests.skills.conftest import evidence
from tests.training.conftest import TODAY

EARLIER = TODAY - dt.timedelta(days=30)


def lines_of(pupil):
    book = booklet.booklet(pupil, TODAY)
    return {line.competency.code: line for b in book.blocs for line in b.lines}


def renew(diploma, version, *, split=True, drop=False):
    """A 2023 version replacing the fixture's 2016: C3.3 split into C3.3a and C3.3b (or
    kept as C3.3), C3.4 kept (or dropped)."""
    new = DiplomaVersion.objects.create(diploma=diploma, label="2023", previous=version)
    bloc = Bloc.objects.create(version=new, code="UP2", name="Fabrication")
    usiner = Competency.objects.get(bloc__version=version, code="C3.3")
    assembler = Competency.objects.get(bloc__version=version, code="C3.4")
    for code in ("C3.3a", "C3.3b") if split else ("C3.3",):
        target = Competency.objects.create(bloc=bloc, code=code, wording=code)
        CompetencyMapping.objects.create(old=usiner, new=target)
    if not drop:
        target = Competency.objects.create(bloc=bloc, code="C3.4", wording="Assembler")
        CompetencyMapping.objects.create(old=assembler, new=target)
    return new


def test_evidence_on_an_old_competency_counts_for_the_new_one(
    lea, usiner, table, shelf, woodwork_trainer, director
):
    old = Competency.objects.get(code="C30")
    evidence(lea, old, woodwork_trainer, order=table, day=EARLIER, validated_by=director)
    evidence(lea, usiner, woodwork_trainer, order=shelf, validated_by=director)
    line = lines_of(lea)["C3.3"]
    assert line.acquired
    assert {e.competency.code for e in line.evidence} == {"C30", "C3.3"}


def test_an_old_competency_split_in_two_counts_for_both(
    diploma, version, lea, usiner, table, shelf, woodwork_trainer, director
):
    new = renew(diploma, version)
    Programme.objects.filter(student=lea).update(version=new)
    evidence(lea, usiner, woodwork_trainer, order=table, day=EARLIER, validated_by=director)
    evidence(lea, usiner, woodwork_trainer, order=shelf, validated_by=director)
    lines = lines_of(lea)
    assert lines["C3.3a"].acquired and lines["C3.3b"].acquired
    assert not lines["C3.4"].acquired
    assert len(lines["C3.3a"].evidence) == len(lines["C3.3b"].evidence) == 2


def test_the_mapping_follows_two_renewals(diploma, version, old_version):
    new = renew(diploma, version)
    c30 = Competency.objects.get(bloc__version=old_version, code="C30")
    split = set(Competency.objects.filter(bloc__version=new, code__startswith="C3.3"))
    mapping = mapped_to(new)
    assert {Competency.objects.get(pk=pk) for pk in mapping[c30.pk]} == split
    # One piece on the 2004 competency is grouped under both 2023 ones, once each.
    piece = Competency.objects.get(pk=c30.pk)
    grouped = by_competency([type("E", (), {"competency_id": piece.pk})()], mapping)
    assert set(grouped) == {c.pk for c in split}
    assert all(len(items) == 1 for items in grouped.values())


def test_a_competency_the_new_version_dropped_counts_for_nothing(
    diploma, version, lea, table, shelf, woodwork_trainer, director
):
    new = renew(diploma, version, split=False, drop=True)
    Programme.objects.filter(student=lea).update(version=new)
    assembler = Competency.objects.get(bloc__version=version, code="C3.4")
    evidence(lea, assembler, woodwork_trainer, order=table, day=EARLIER, validated_by=director)
    evidence(lea, assembler, woodwork_trainer, order=shelf, validated_by=director)
    lines = lines_of(lea)
    assert set(lines) == {"C3.3"}  # the dropped one is not in the new booklet
    assert not lines["C3.3"].acquired and lines["C3.3"].evidence == []
    assert assembler.pk not in mapped_to(new)


def test_a_pupil_kept_on_the_old_version_is_not_mapped_forward(
    diploma, version, lea, usiner, table, shelf, woodwork_trainer, director
):
    renew(diploma, version)
    evidence(lea, usiner, woodwork_trainer, order=table, day=EARLIER, validated_by=director)
    evidence(lea, usiner, woodwork_trainer, order=shelf, validated_by=director)
    lines = lines_of(lea)  # still on 2016
    assert "C3.3a" not in lines and lines["C3.3"].acquired


# --- the mapping's import: the `remplace` column ----------------------------------------

HEADER = (
    "diplome_code;diplome_type;diplome_intitule;version;version_remplacee;"
    "bloc_code;bloc_intitule;competence_code;competence_intitule;remplace\n"
)
OLD = HEADER + ("X;CAP;Essai;2016;;UP1;Bloc;C1;Faire;\nX;CAP;Essai;2016;;UP1;Bloc;C2;Finir;\n")


def import_text(text):
    return importing.import_file(io.BytesIO(text.encode("utf-8")))


def test_a_renewal_imports_its_mapping_one_to_two(db):
    assert import_text(OLD).ok
    report = import_text(
        HEADER + "X;CAP;Essai;2023;2016;UP1;Bloc;C1.1;Recevoir;UP1:C1\n"
        "X;CAP;Essai;2023;2016;UP1;Bloc;C1.2;Stocker;C1\n"
        "X;CAP;Essai;2023;2016;UP1;Bloc;C3;Nouveau;\n"
    )
    assert report.ok, report.errors
    pairs = set(CompetencyMapping.objects.values_list("old__code", "new__code"))
    assert pairs == {("C1", "C1.1"), ("C1", "C1.2")}
    # Again: nothing doubles.
    assert import_text(HEADER + "X;CAP;Essai;2023;2016;UP1;Bloc;C1.1;Recevoir;UP1:C1\n").ok
    assert CompetencyMapping.objects.count() == 2


def test_a_replaced_competency_not_in_the_previous_version_is_an_error_and_nothing_is_saved(db):
    assert import_text(OLD).ok
    report = import_text(
        HEADER + "X;CAP;Essai;2023;2016;UP1;Bloc;C1.1;Recevoir;UP1:C1\n"
        "X;CAP;Essai;2023;2016;UP1;Bloc;C1.2;Stocker;UP1:C9\n"
    )
    assert not report.ok
    assert [n for n, _ in report.errors] == [3]
    assert "UP1:C9" in report.errors[0][1]
    assert not DiplomaVersion.objects.filter(label="2023").exists()
    assert not CompetencyMapping.objects.exists()


def test_a_version_to_replace_that_is_not_imported_is_an_error_by_line(db):
    report = import_text(HEADER + "X;CAP;Essai;2023;2016;UP1;Bloc;C1.1;Recevoir;UP1:C1\n")
    assert not report.ok and report.errors[0][0] == 2
    assert not DiplomaVersion.objects.exists()


def test_replacing_without_a_previous_version_is_an_error(db):
    report = import_text(HEADER + "X;CAP;Essai;2016;;UP1;Bloc;C1;Faire;UP1:C0\n")
    assert not report.ok and report.errors[0][0] == 2


def test_the_booklet_says_which_old_competency_a_piece_of_evidence_was_recorded_on(
    lea, usiner, table, woodwork_trainer, director, client_for
):
    old = Competency.objects.get(code="C30")
    evidence(lea, old, woodwork_trainer, order=table, day=EARLIER, validated_by=director)
    page = client_for(director).get(reverse("skills:booklet", args=[lea.pk])).content.decode()
    version = old.bloc.version.label
    assert f"sous C30 du référentiel {version}" in page
