"""The shipped référentiels (skills/referentiels/): each file imports cleanly, in the
demo's order; their RNCP numbers; the CAP CIP's and the Bac Pro Cuisine's units and
competencies as their arrêtés give them; the CAP Cuisine's two versions and the mapping
between them; SOURCES.md says where each file came from; the import's version columns."""

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


# SOURCES.md: the numbers of the ministry's list of vocational diplomas and of the "kit
# apprentissage" table, the two agreeing; no bloc code of a current fiche was found.
RNCP = {
    "cap-menuisier-fabricant.csv": "RNCP36112",
    "bac-pro-technicien-menuisier-agenceur.csv": "RNCP37917",
    "cap-conducteur-installations-production.csv": "RNCP36429",
    "cap-cuisine-2016.csv": "RNCP37553",
    "cap-cuisine-2023.csv": "RNCP38430",
    "bac-pro-cuisine-2011.csv": "RNCP37910",
}


def test_each_shipped_file_carries_its_rncp_number_and_no_bloc_code():
    assert sorted(RNCP) == sorted(demo.FILES)
    sources = (FOLDER / "SOURCES.md").read_text(encoding="utf-8")
    for name, number in RNCP.items():
        with (FOLDER / name).open("rb") as handle:
            rows = importing.read(importing.decode(handle.read()))
        assert {row["diplome_rncp"] for _n, row in rows} == {number}, name
        assert {row["bloc_rncp"] for _n, row in rows} == {""}, name
        assert number in sources, number
    import_shipped()
    # One number per diploma: the CAP Cuisine shows its last file's (the 2023 one).
    numbers = dict(Diploma.objects.values_list("code", "rncp"))
    assert numbers == {
        "CAP-MF": "RNCP36112",
        "BACPRO-TMA": "RNCP37917",
        "CAP-CIP": "RNCP36429",
        "CAP-CUISINE": "RNCP38430",
        "BACPRO-CUISINE": "RNCP37910",
    }
    assert not Bloc.objects.exclude(rncp_code="").exists()


def test_the_cap_cip_has_the_units_and_competencies_of_its_arrete():
    # Arrêté du 30 mars 2012: units of annexe II b, CP01-CP07 of annexe I b, split by II c.
    import_shipped()
    version = DiplomaVersion.objects.get(diploma__code="CAP-CIP", label="2012")
    units = dict(Bloc.objects.filter(version=version).values_list("code", "name"))
    assert units["UP1"] == "Conduite en mode normal"
    assert units["UP2"] == "Intervention durant la production"
    workshop = Competency.objects.filter(bloc__version=version, bloc__code__in=["UP1", "UP2"])
    assert dict(workshop.values_list("code", "bloc__code")) == {
        "CP01": "UP1",
        "CP02": "UP1",
        "CP03": "UP1",
        "CP04": "UP1",
        "CP05": "UP1",
        "CP06": "UP2",
        "CP07": "UP2",
    }
    assert workshop.get(code="CP04").wording == (
        "Conduire l'installation à partir du poste de travail"
    )
    assert workshop.get(code="CP01").wording == (
        "Communiquer et rendre compte en situation professionnelle en utilisant l'outil de "
        "communication adapté"
    )
    # The general units are kept as they were.
    general = Competency.objects.filter(bloc__version=version).exclude(bloc__subject="")
    assert sorted(general.values_list("code", flat=True)) == [
        "G1.1",
        "G1.2",
        "G2.1",
        "G2.2",
        "G4.1",
        "G4.2",
    ]


def test_the_bac_pro_cuisine_has_the_five_poles_of_its_arrete():
    # Arrêté du 31 mai 2011, annexe I b: 70 operational competencies in five pôles.
    import_shipped()
    version = DiplomaVersion.objects.get(diploma__code="BACPRO-CUISINE", label="2011")
    assert version.diploma.kind == Diploma.Kind.BAC_PRO and version.diploma.years == 3
    blocs = list(Bloc.objects.filter(version=version).order_by("position"))
    assert [b.code for b in blocs] == ["P1", "P2", "P3", "P4", "P5"]
    assert blocs[0].name == "Organisation et production culinaire"
    assert {b.subject for b in blocs} == {""}
    competencies = Competency.objects.filter(bloc__version=version).select_related("bloc")
    counts = {b.code: b.competencies.count() for b in blocs}
    assert counts == {"P1": 25, "P2": 6, "P3": 9, "P4": 21, "P5": 9}
    assert all(c.code.startswith("C" + c.bloc.code[1] + "-") for c in competencies)
    assert competencies.get(code="C1-2.11").wording == "Mettre en œuvre les cuissons"
    assert competencies.get(code="C4-4.5").wording == 'Mesurer la réaction face à l\'offre "prix"'


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
