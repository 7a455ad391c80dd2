"""Evidence for a team on a phone (issue #18): from the order, a few taps per pupil, one
save; the page stays within 360 px."""

from __future__ import annotations

import datetime as dt

import pytest

from skills.models import Bloc, Competency, Diploma, DiplomaVersion, Evidence, Programme
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.training.conftest import at, log, make_order, make_pupil

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.date(2026, 11, 18)  # a Wednesday the team worked on the order


def test_a_trainer_records_evidence_for_his_team_on_a_phone(phone, woodwork, woodwork_trainer):
    diploma = Diploma.objects.create(kind="cap", code="CAP-MF", name="Menuisier fabricant")
    version = DiplomaVersion.objects.create(diploma=diploma, label="2016")
    bloc = Bloc.objects.create(version=version, code="UP2", name="Fabrication")
    usiner = Competency.objects.create(bloc=bloc, code="C3.3", wording="Usiner les pièces")
    order = make_order(woodwork, woodwork_trainer, "Bibliothèque en chêne")
    order.competencies.add(usiner)
    team = [
        make_pupil(woodwork, "Léa", "Martin", dt.date(2010, 3, 14)),
        make_pupil(woodwork, "Hugo", "Bernard", dt.date(2010, 5, 2)),
        make_pupil(woodwork, "Inès", "Moreau", dt.date(2010, 7, 9)),
    ]
    for pupil in team:
        Programme.objects.create(student=pupil, version=version, started_on=dt.date(2025, 9, 1))
        log(pupil, order, at(DAY, 8, 30), at(DAY, 12), woodwork_trainer)

    log_in(phone, "wood", PASSWORD)
    phone.goto("/competences/saisie/")
    phone.click(f"a[href='?order={order.pk}']")
    phone.wait_for_load_state()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.select_option("select[name=competency]", str(usiner.pk))
    # Léa and Hugo get a level (one tap on a pill each, one on autonomy); Inès is left out.
    lea, hugo, ines = team
    phone.click(f"label.pill:has(input[name=level_{lea.pk}][value='3'])")
    phone.click(f"label.pill:has(input[name=autonomy_{lea.pk}][value=autonomous])")
    phone.click(f"label.pill:has(input[name=level_{hugo.pk}][value='2'])")
    phone.click("main .sticky-save button")
    phone.wait_for_load_state()
    assert "2 " in phone.inner_text(".messages, [role=status], main")
    saved = sorted(Evidence.objects.values_list("student__first_name", "level", "autonomy"))
    assert saved == [("Hugo", 2, "partly"), ("Léa", 3, "autonomous")]
    assert not Evidence.objects.filter(student=ines).exists()
