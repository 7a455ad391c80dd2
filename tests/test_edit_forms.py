"""Every edit page opens with the object's current values (issue #14, item 1).

One test per edit route: it GETs the page for an existing object and reads the form's
controls back from the HTML the user receives. For a model form (and the model forms of
a formset), every field the model holds must show the object's value; a form of its own
(a work log's date and times, a roll call) lists what it must show. A new route whose
name says it edits (`edit`, `lines`) fails `test_every_edit_page_is_covered` until it is
added to EDIT_PAGES.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.forms.models import model_to_dict
from django.urls import reverse

from budget.models import (
    BudgetLine,
    BudgetYear,
    Donation,
    Donor,
    FamilyContribution,
    Grant,
    Instalment,
    Pledge,
    TaxCampaign,
    Transfer,
)
from ecoles.models import Closure, OpenedDay, Policy, School
from orders.models import Contact, Customer, Order, OrderLine
from safety.models import Machine
from students.models import FollowUpNote, Guardian, Student
from tests.urlwalk import walk
from training.models import Attendance, SessionPattern, TheorySession, WorkLog

PARIS = ZoneInfo("Europe/Paris")


class Controls(HTMLParser):
    """The values a browser would show: {name: value} for inputs and textareas,
    {name: {checked or selected values}} for radios, checkbox groups and selects."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, object] = {}
        self.chosen: dict[str, set] = {}
        self.checkbox: dict[str, bool] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                chosen = self.chosen.setdefault(name, set())
                if "checked" in a:
                    chosen.add(a.get("value", "on"))
                self.checkbox[name] = self.checkbox.get(name, False) or "checked" in a
            elif kind != "file":
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.chosen.setdefault(name, set())
        elif tag == "option" and self._select and "selected" in a:
            self.chosen[self._select].add(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            # A browser drops the newline that opens a textarea's text (Django writes one).
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def shown(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


def _expected(field: forms.Field, value):
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        return bool(value)
    prepared = field.prepare_value(value)
    if isinstance(widget, forms.widgets.ChoiceWidget):
        items = prepared if isinstance(prepared, (list, tuple, set)) else [prepared]
        return {str(v) for v in items if v not in (None, "")}
    return widget.format_value(prepared) or ""


def _got(page: Controls, field: forms.Field, name: str):
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        return page.checkbox.get(name, False)
    if isinstance(widget, forms.widgets.ChoiceWidget):
        return page.chosen.get(name, set()) - {""}
    return page.values.get(name, "").lstrip("\n")


def model_form_mismatches(form, obj, page: Controls) -> list[str]:
    """The fields of a model form that do not show the value `obj` holds."""
    stored = model_to_dict(obj)
    wrong = []
    for name, field in form.fields.items():
        if name not in stored or isinstance(field, forms.FileField):
            continue
        want, got = _expected(field, stored[name]), _got(page, field, form.add_prefix(name))
        if want != got:
            wrong.append(f"{form.add_prefix(name)}: shows {got!r}, the object holds {want!r}")
    return wrong


# --- the objects behind each edit page ------------------------------------------------


def _pupil(woodwork, tutor, **extra):
    values = {
        "first_name": "Léa",
        "last_name": "Martin",
        "birth_date": dt.date(2010, 3, 14),
        "entry_date": dt.date(2025, 9, 1),
        "cohort": 2025,
        "phone": "06 11 22 33 44",
        "email": "lea.martin@exemple.fr",
        "address": "3 rue de Gerland",
        "postal_code": "69007",
        "city": "Lyon",
        "programme_title": "CAP Menuisier fabricant",
        "tutor": tutor,
        "workshop": woodwork,
    }
    values.update(extra)
    pupil = Student.objects.create(**values)
    Guardian.objects.create(
        student=pupil,
        relationship=Guardian.Relationship.MOTHER,
        first_name="Nathalie",
        last_name="Martin",
        phone="06 98 76 54 32",
        email="nathalie.martin@exemple.fr",
    )
    return pupil


def _customer():
    customer = Customer.objects.create(
        kind=Customer.Kind.COMPANY,
        name="Menuiseries Rhône SAS",
        siret="73282932000074",
        vat_number="FR44732829320",
        email="contact@rhone.fr",
        address="3 quai Perrache",
        postal_code="69002",
        city="Lyon",
        notes="Livrer le matin",
    )
    Contact.objects.create(customer=customer, name="M. Perrin", role="Achats")
    return customer


def _order(woodwork, trainer, status="draft"):
    order = Order.objects.create(
        customer=_customer(),
        title="Table de réfectoire",
        workshop=woodwork,
        trainer=trainer,
        specification="Chêne massif, 2 m",
        start_date=dt.date(2026, 10, 5),
        duration_days=10,
        promised_date=dt.date(2026, 12, 18),
        estimated_hours=Decimal("120"),
    )
    OrderLine.objects.create(
        order=order,
        position=1,
        description="Table",
        quantity=Decimal("2"),
        unit="u",
        unit_price=Decimal("150.00"),
        vat_rate=Decimal("5.5"),
    )
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def page_school(p):
    school = School.load()
    school.name, school.city, school.postal_code = "École de Production de Lyon", "Lyon", "69007"
    school.siret = "73282932000074"
    school.save()
    return p["director"], reverse("school"), {None: school}, {}


def page_policy(p):
    policy = Policy.load()
    policy.morning_start = dt.time(8, 15)
    policy.save()
    return p["director"], reverse("policy"), {None: policy}, {}


def page_workshop(p):
    p["woodwork"].capacity = 12
    p["woodwork"].save()
    url = reverse("workshop_edit", args=[p["woodwork"].pk])
    return p["director"], url, {None: p["woodwork"]}, {}


def page_budget_line(p):
    year = BudgetYear.objects.create(start=dt.date(2026, 9, 1), end=dt.date(2027, 8, 31))
    line = BudgetLine.objects.create(
        year=year,
        kind="resource",
        source="other",
        label="Locations de salles",
        funder="Fondation Rhône",
        planned=Decimal("12000.00"),
        actual=Decimal("3500.50"),
    )
    url = reverse("budget:line_edit", args=[year.start.year, line.pk])
    return p["director"], url, {None: line}, {}


def page_student(p):
    pupil = _pupil(p["woodwork"], p["woodwork_trainer"])
    objects = {None: pupil, "guardians-0": pupil.guardians.get()}
    return p["director"], reverse("students:edit", args=[pupil.pk]), objects, {}


def page_leaving(p):
    pupil = _pupil(
        p["woodwork"],
        p["woodwork_trainer"],
        status=Student.Status.LEFT,
        left_on=dt.date(2026, 6, 30),
        leaving_reason=Student.LeavingReason.values[0],
        exam_result=Student.ExamResult.FAILED,
    )
    return p["director"], reverse("students:leaving", args=[pupil.pk]), {None: pupil}, {}


def page_note(p):
    pupil = _pupil(p["woodwork"], p["woodwork_trainer"])
    note = FollowUpNote.objects.create(
        student=pupil,
        date=dt.date(2026, 10, 2),
        category=FollowUpNote.Category.HOUSING,
        text="Hébergée chez sa tante.",
        author=p["woodwork_trainer"],
    )
    url = reverse("students:note_edit", args=[pupil.pk, note.pk])
    return p["woodwork_trainer"], url, {None: note}, {}


def page_customer(p):
    customer = _customer()
    objects = {None: customer, "contacts-0": customer.contacts.get()}
    return p["office"], reverse("orders:customer_edit", args=[customer.pk]), objects, {}


def page_order(p):
    order = _order(p["woodwork"], p["woodwork_trainer"])
    return p["office"], reverse("orders:edit", args=[order.pk]), {None: order}, {}


def page_accepted_order(p):
    order = _order(p["woodwork"], p["woodwork_trainer"], status="accepted")
    return p["office"], reverse("orders:edit", args=[order.pk]), {None: order}, {}


def page_order_lines(p):
    order = _order(p["woodwork"], p["woodwork_trainer"])
    return p["office"], reverse("orders:lines", args=[order.pk]), {"lines-0": order.lines.get()}, {}


def page_worklog(p):
    order = _order(p["woodwork"], p["woodwork_trainer"], status="in_production")
    pupil = _pupil(p["woodwork"], p["woodwork_trainer"])
    sander = Machine.objects.create(
        workshop=p["woodwork"], inventory_number="MEN-9", name="Ponceuse", kind="machines"
    )
    log = WorkLog.objects.create(
        order=order,
        student=pupil,
        start=dt.datetime(2026, 11, 16, 13, 30, tzinfo=PARIS),
        end=dt.datetime(2026, 11, 16, 16, 45, tzinfo=PARIS),
        task="Ponçage des plateaux",
        machine=sander,
        logged_by=p["woodwork_trainer"],
    )
    expected = {
        "machine": {str(sander.pk)},
        "order": {str(order.pk)},
        "student": {str(pupil.pk)},
        "date": "2026-11-16",
        "start_time": "13:30",
        "end_time": "16:45",
        "task": "Ponçage des plateaux",
    }
    url = reverse("training:worklog_edit", args=[log.pk])
    return p["woodwork_trainer"], url, {}, expected


def page_machine(p):
    machine = Machine.objects.create(
        workshop=p["woodwork"],
        inventory_number="MEN-7",
        name="Toupie",
        kind="machines",
        location="Poste 4",
        risk_line="DUERP ligne 12",
        in_use=False,
    )
    url = reverse("safety:machine_edit", args=[machine.pk])
    return p["woodwork_trainer"], url, {None: machine}, {}


def page_roll_call(p):
    pupil = _pupil(p["woodwork"], p["woodwork_trainer"])
    session = TheorySession.objects.create(
        subject=TheorySession.Subject.GENERAL,
        title="Maths",
        teacher=p["teacher"],
        start=dt.datetime(2026, 11, 16, 9, 0, tzinfo=PARIS),
        end=dt.datetime(2026, 11, 16, 11, 0, tzinfo=PARIS),
    )
    row = Attendance.objects.create(
        session=session, student=pupil, status=Attendance.Status.LATE, late_minutes=15
    )
    expected = {f"status_{row.pk}": {"late"}, f"late_{row.pk}": "15", f"reason_{row.pk}": ""}
    return p["teacher"], reverse("training:session", args=[session.pk]), {}, expected


def page_verdict(p):
    """The director's correction of a delivery's verdict opens on the verdict it corrects."""
    order = _order(p["woodwork"], p["woodwork_trainer"], status="in_production")
    order.deliver(
        by=p["woodwork_trainer"], verdict="does_not_conform", rework="Reprendre les chants"
    )
    expected = {"verdict": {"does_not_conform"}, "rework": "Reprendre les chants"}
    return p["director"], reverse("orders:verdict", args=[order.pk]), {}, expected


def page_evidence_correction(p):
    """A correction of validated evidence opens with what the evidence says."""
    from skills.models import Bloc, Competency, Diploma, DiplomaVersion, Evidence

    diploma = Diploma.objects.create(kind="cap", code="CAP-MF", name="Menuisier", years=2)
    version = DiplomaVersion.objects.create(diploma=diploma, label="2016")
    bloc = Bloc.objects.create(version=version, code="UP2", name="Fabrication")
    usiner = Competency.objects.create(bloc=bloc, code="C3.3", wording="Usiner")
    item = Evidence.objects.create(
        student=_pupil(p["woodwork"], p["woodwork_trainer"]), competency=usiner,
        source="observation", date=dt.date(2026, 11, 16), level=2, autonomy="partly",
        comment="Chants repris deux fois", recorded_by=p["woodwork_trainer"],
    )  # fmt: skip
    item.validate(p["woodwork_trainer"])
    expected = {
        "date": "2026-11-16",
        "level": {"2"},
        "autonomy": {"partly"},
        "comment": "Chants repris deux fois",
    }
    return p["woodwork_trainer"], reverse("skills:correct", args=[item.pk]), {}, expected


# route name -> builders of its page (a route may need several object states)
def page_closure(p):
    closure = Closure.objects.create(
        kind="closing", name="Pont", first_day=dt.date(2026, 11, 20), last_day=dt.date(2026, 11, 22)
    )
    return p["director"], reverse("closure_edit", args=[closure.pk]), {None: closure}, {}


def page_opened_day(p):
    opened = OpenedDay.objects.create(
        day=dt.date(2026, 11, 21), reason="Portes ouvertes", opened_by=p["director"]
    )
    return p["director"], reverse("opened_day_edit", args=[opened.pk]), {None: opened}, {}


def page_pattern(p):
    pupil = _pupil(p["woodwork"], p["woodwork_trainer"])
    pattern = SessionPattern.objects.create(
        subject="general",
        title="Français",
        teacher=p["teacher"],
        audience="picked",
        weekday=2,
        start_time=dt.time(8, 30),
        end_time=dt.time(10),
        first_day=dt.date(2026, 9, 1),
        last_day=dt.date(2027, 7, 3),
    )
    pattern.students.set([pupil])
    url = reverse("training:pattern_edit", args=[pattern.pk])
    return p["teacher"], url, {None: pattern}, {}


def _grant():
    return Grant.objects.create(
        funder="Région", programme="EP 2026", amount_granted=Decimal("9000.00"),
        agreement_start=dt.date(2026, 9, 1), agreement_end=dt.date(2027, 8, 31),
        conditions="36 élèves", report_due=dt.date(2027, 3, 1),
    )  # fmt: skip


def page_donor(p):
    donor = Donor.objects.create(
        kind="company", name="Fondation Rhône", siren="732829320", city="Lyon", email="a@b.fr"
    )
    return p["office"], reverse("budget:donor_edit", args=[donor.pk]), {None: donor}, {}


def page_donation(p):
    donor = Donor.objects.create(name="Jean Dupuis")
    donation = Donation.objects.create(
        donor=donor, date=dt.date(2026, 11, 2), amount=Decimal("150.50"), form="private_deed",
        method="transfer", campaign="Noël", received_on=dt.date(2026, 11, 3),
    )  # fmt: skip
    return p["office"], reverse("budget:donation_edit", args=[donation.pk]), {None: donation}, {}


def page_pledge(p):
    campaign = TaxCampaign.objects.create(year=2026)
    pledge = Pledge.objects.create(
        campaign=campaign, company="ACME", contact_name="Mme Colin", contact_email="c@acme.fr",
        status="promised", share=Decimal("50.00"), amount=Decimal("800.00"),
        last_contact=dt.date(2026, 3, 2), follow_up="Rappeler en mai",
    )  # fmt: skip
    return p["director"], reverse("budget:pledge_edit", args=[pledge.pk]), {None: pledge}, {}


def page_transfer(p):
    campaign = TaxCampaign.objects.create(year=2026)
    pledge = Pledge.objects.create(campaign=campaign, company="ACME")
    transfer = Transfer.objects.create(
        campaign=campaign, date=dt.date(2026, 7, 1), amount=Decimal("800.00"),
        reference="SOLTEA-1", pledge=pledge,
    )  # fmt: skip
    url = reverse("budget:transfer_edit", args=[transfer.pk])
    return p["accountant"], url, {None: transfer}, {}


def page_grant(p):
    grant = _grant()
    return p["accountant"], reverse("budget:grant_edit", args=[grant.pk]), {None: grant}, {}


def page_instalment(p):
    instalment = Instalment.objects.create(
        grant=_grant(), expected_on=dt.date(2026, 10, 1), expected_amount=Decimal("4500.00"),
        received_on=dt.date(2026, 10, 3), received_amount=Decimal("4400.00"),
    )  # fmt: skip
    url = reverse("budget:instalment_edit", args=[instalment.pk])
    return p["accountant"], url, {None: instalment}, {}


def page_contribution(p):
    year = BudgetYear.objects.create(start=dt.date(2026, 9, 1), end=dt.date(2027, 8, 31))
    pupil = Student.objects.create(
        first_name="Léa", last_name="Martin", birth_date=dt.date(2010, 3, 14),
        entry_date=dt.date(2025, 9, 1), cohort=2025, workshop=p["woodwork"],
    )  # fmt: skip
    contribution = FamilyContribution.objects.create(
        student=pupil, year=year, amount_due=Decimal("330.00")
    )
    url = reverse("budget:contribution_edit", args=[contribution.pk])
    return p["accountant"], url, {None: contribution}, {}


def page_bank_account(p):
    from banking.models import BankAccount

    account = BankAccount.objects.create(
        name="Compte courant", iban="FR7630006000011234567890189", bic="AGRIFRPP"
    )
    url = reverse("banking:account_edit", args=[account.pk])
    return p["office"], url, {None: account}, {}


def page_csv_mapping(p):
    from banking.models import BankAccount, CsvMapping

    account = BankAccount.objects.create(name="Compte", iban="FR7630006000011234567890189")
    mapping = CsvMapping.objects.create(
        account=account, name="Banque Populaire", amount_column=4, label_column=3
    )
    url = reverse("banking:mapping_edit", args=[mapping.pk])
    return p["office"], url, {None: mapping}, {}


EDIT_PAGES = {
    "banking:account_edit": [page_bank_account],
    "banking:mapping_edit": [page_csv_mapping],
    "closure_edit": [page_closure],
    "opened_day_edit": [page_opened_day],
    "training:pattern_edit": [page_pattern],
    "budget:donor_edit": [page_donor],
    "budget:donation_edit": [page_donation],
    "budget:pledge_edit": [page_pledge],
    "budget:transfer_edit": [page_transfer],
    "budget:grant_edit": [page_grant],
    "budget:instalment_edit": [page_instalment],
    "budget:contribution_edit": [page_contribution],
    "school": [page_school],
    "policy": [page_policy],
    "workshop_edit": [page_workshop],
    "budget:line_edit": [page_budget_line],
    "students:edit": [page_student],
    "students:leaving": [page_leaving],
    "students:note_edit": [page_note],
    "orders:customer_edit": [page_customer],
    "orders:edit": [page_order, page_accepted_order],
    "orders:lines": [page_order_lines],
    "training:worklog_edit": [page_worklog],
    "training:session": [page_roll_call],
    "safety:machine_edit": [page_machine],
    "orders:verdict": [page_verdict],
    "skills:correct": [page_evidence_correction],
}


def test_every_edit_page_is_covered():
    editing = {
        r.name
        for r in walk()
        # Pages that edit, and pages that correct what was recorded (a verdict, evidence).
        if r.name.endswith(("edit", ":lines", "verdict", ":correct"))
        and not r.name.startswith("admin:")
    }
    assert editing - set(EDIT_PAGES) == set()


@pytest.fixture
def people(personas, woodwork, machining, school):
    return {**personas, "woodwork": woodwork, "machining": machining}


@pytest.mark.parametrize(
    "build",
    [b for builders in EDIT_PAGES.values() for b in builders],
    ids=lambda b: b.__name__.removeprefix("page_"),
)
def test_edit_page_opens_with_current_values(build, people, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 18, 10, tzinfo=PARIS), tick=False)
    user, url, objects, expected = build(people)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    page = shown(response.content.decode())
    wrong = []
    found = {
        id(v): v
        for context in response.context
        for layer in context.dicts
        for v in layer.values()
        if isinstance(v, (forms.BaseForm, forms.BaseFormSet))
    }.values()
    model_forms = {
        form.prefix: form
        for item in found
        for form in getattr(item, "forms", [item])
        if isinstance(form, forms.ModelForm)
    }
    for prefix, obj in objects.items():
        obj.refresh_from_db()  # the values as stored (8.00, not the default's 8)
        form = model_forms.get(prefix)
        if form is None or form._meta.model is not type(obj):
            wrong.append(f"no form of {type(obj).__name__} with prefix {prefix!r}")
        else:
            wrong += model_form_mismatches(form, obj, page)
    for name, want in expected.items():
        got = (
            page.chosen.get(name, set()) - {""} if isinstance(want, set) else page.values.get(name)
        )
        if got != want:
            wrong.append(f"{name}: shows {got!r}, the object holds {want!r}")
    assert objects or expected
    assert wrong == [], url
