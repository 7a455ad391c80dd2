"""The shipped référentiels (skills/referentiels/): each file imports cleanly, in the
demo's order; the CAP Cuisine's two versions and the mapping between them; SOURCES.md
says where each file came from; the import's version columns."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from skills import demo, importing
from skills.acquisition import mapped_to
from skills.models import Bloc, Competency, CompetencyMapping, Diploma, DiplomaVersion

pytestmark = pytest.mark.django_db

FOLDER = Path(demo.__file__).parent / "referentiels"
HEADER = (
    "diplome_code;diplome_type;diplome_rncp;diplome_intitule;version;version_remplacee;"
    "premiere_session;bloc_code;bloc_intitule;competence_code;competence_intitule;remplace\n"
)


def import_text(text: str) -> importing.Report:
    return importing.import_file(io.BytesIO(text.encode("utf-8")))


def import_shipped(until: str | None = None) -> None:
    for name in demo.FILES:
        with (FOLDER / name).open("rb") as handle:
            report = importing.import_file(handle)
        assert report.ok, (name, report.errors)
        if name == until:
            return


def test_every_shipped_file_is_imported_by_the_demo():
    assert sorted(p.name for p in FOLDER.glob("*.csv")) == sorted(demo.FILES)


@pytest.mark.parametrize("name", demo.FILES)
def test_each_shipped_file_imports_cleanly(name):
    import_shipped(until=name)
    with (FOLDER / name).open("rb") as handle:
        rows = importing.read(importing.decode(handle.read()))
    first = rows[0][1]
    version = DiplomaVersion.objects.get(
        diploma__code=first["diplome_code"], label=first["version"]
    )
    assert Competency.objects.filter(bloc__version=version).count() == len(rows)
    assert version.source.startswith("Arrêté du")
    # Importing it again updates in place: nothing doubles.
    with (FOLDER / name).open("rb") as handle:
        assert importing.import_file(handle).ok
    assert Competency.objects.filter(bloc__version=version).count() == len(rows)


def test_every_shipped_file_is_described_in_sources():
    sources = (FOLDER / "SOURCES.md").read_text(encoding="utf-8")
    for name in demo.FILES:
        assert f"## {name}" in sources


def test_no_shipped_file_claims_an_rncp_number_it_did_not_read():
    # SOURCES.md: no RNCP sheet was read, so no number is shipped (never invented).
    import_shipped()
    assert not Diploma.objects.exclude(rncp="").exists()
    assert not Bloc.objects.exclude(rncp_code="").exists()


def test_the_2023_cap_cuisine_renews_the_2016_one_from_its_first_session():
    import_shipped()
    old = DiplomaVersion.objects.get(diploma__code="CAP-CUISINE", label="2016")
    new = DiplomaVersion.objects.get(diploma__code="CAP-CUISINE", label="2023")
    assert new.previous == old and old.previous is None
    assert new.valid_from.year == 2026 and old.valid_from is None
    # The units of annexe IV a of the arrêté of 19 October 2023.
    assert dict(Bloc.objects.filter(version=new).values_list("code", "name"))["UP2"] == (
        "Préparation et distribution de la production de cuisine"
    )
    c1 = Competency.objects.get(bloc__version=old, code="C1")
    split = Competency.objects.filter(bloc__version=new, code__startswith="C1.")
    assert split.count() == 4
    mapping = mapped_to(new)
    assert sorted(mapping[c1.pk]) == sorted(split.values_list("pk", flat=True))
    # PSE is a unit of the 2023 CAP only: nothing old maps onto it.
    pse = Competency.objects.filter(bloc__version=new, bloc__code="UG4")
    assert pse.exists() and not CompetencyMapping.objects.filter(new__in=pse).exists()
    # Every 2016 competency has somewhere to go.
    assert set(mapping) == set(
        Competency.objects.filter(bloc__version=old).values_list("pk", flat=True)
    )


# --- the import's version columns -------------------------------------------------------


def test_the_first_session_and_the_source_are_read():
    line = "X;CAP;RNCP123;Essai;2023;;2026;UP1;Bloc;C1;Faire;\n"
    text = HEADER.replace("remplace\n", "remplace;source\n") + line.replace("\n", ";Arrêté\n")
    assert import_text(text).ok
    version = DiplomaVersion.objects.get(label="2023")
    assert version.valid_from.year == 2026 and version.source == "Arrêté"


def test_a_first_session_that_is_not_a_year_is_an_error_on_its_line():
    report = import_text(HEADER + "X;CAP;;Essai;2023;;2026;UP1;Bloc;C1;Faire;\n"
                         "X;CAP;;Essai;2023;;juin;UP1;Bloc;C2;Finir;\n")  # fmt: skip
    assert not report.ok
    assert [n for n, _ in report.errors] == [3]
    assert not DiplomaVersion.objects.exists()


def test_a_file_without_the_rncp_number_keeps_the_one_known():
    assert import_text(HEADER + "X;CAP;RNCP123;Essai;2016;;;UP1;Bloc;C1;Faire;\n").ok
    assert import_text(HEADER + "X;CAP;;Essai;2023;2016;;UP1;Bloc;C1;Faire;UP1:C1\n").ok
    assert Diploma.objects.get(code="X").rncp == "RNCP123"
