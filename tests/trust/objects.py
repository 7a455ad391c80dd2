"""Who owns what, for the access matrix: for each URL parameter, an object the woodwork
trainer may see ("own") and one he may not ("other": the machining workshop's).

To add a page with a new kind of object, add a rule to RULES (URL-name pattern and
parameter name -> kind) and, if the kind is new, a builder `_build_<kind>` in Scenario.
Builders use the ORM directly (the fewest fields the model needs), so that a change of a
page's rules does not break the matrix.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from banking.models import (
    BankAccount,
    CsvMapping,
    StatementImport,
    StatementLine,
    TransferBatch,
)
from billing.invoicing import issue_credit_note, issue_invoice, record_payment
from billing.models import DocumentSend, Reminder, SupplierInvoice
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
    TaxReceipt,
    Transfer,
)
from ecoles.models import Closure, OpenedDay
from families.models import AbsenceReport, Invitation, Publication
from orders.models import Attachment, Customer, Order, OrderLine
from safety.models import Declaration, Machine, MedicalOpinion
from schoollife.models import Absence, AbsenceReason
from skills.models import (
    Bloc,
    Competency,
    Diploma,
    DiplomaVersion,
    Evidence,
    EvidencePhoto,
    ExamRegistration,
)
from students.models import FollowUpNote, Student
from training.models import Attendance, SessionPattern, TheorySession, WorkLog

# (URL-name regex, parameter) -> kind of object. First match wins.
RULES: list[tuple[str, str, str]] = [
    (r"^students:note_edit$", "note_pk", "note"),
    (r"^students:", "pk", "student"),
    (r"^training:(student_time|statement|certificate)$", "pk", "student"),
    (r"^training:worklog_", "pk", "worklog"),
    (r"^training:session(_move|_cancel)?$", "pk", "theory_session"),
    (r"^training:pattern_edit$", "pk", "pattern"),
    (r"^training:workshop_week$", "pk", "workshop"),
    (r"^closure_(edit|delete)$", "pk", "closure"),
    (r"^opened_day_(edit|delete)$", "pk", "opened_day"),
    (r"^training:workshop_balance$", "pk", "workshop"),
    (r"^training:cohort_balance$", "year", "cohort"),
    (r"^training:order_hours$", "pk", "order"),
    (r"^orders:customer_edit$", "pk", "customer"),
    (r"^billing:customer_detail$", "pk", "customer"),
    (r"^billing:(invoice_detail|invoice_pdf|payment_add|credit_note_add)$", "pk", "invoice"),
    (r"^billing:invoice_issue$", "pk", "order"),
    (r"^billing:credit_note_pdf$", "pk", "credit_note"),
    (r"^billing:payment_reverse$", "pk", "payment"),
    (r"^billing:(invoice_send|refund_add|credit_use)$", "pk", "invoice"),
    (r"^billing:credit_note_send$", "pk", "credit_note"),
    (r"^billing:(statement|statement_pdf|statement_send)$", "pk", "customer"),
    (r"^billing:quote_send$", "pk", "order"),
    (r"^billing:reminder_pdf$", "pk", "reminder"),
    (r"^billing:send_retry$", "pk", "document_send"),
    (r"^billing:send_batch$", "batch", "send_batch"),
    (r"^billing:supplier_invoice(_pdf)?$", "pk", "supplier_invoice"),
    (r"^schoollife:absence$", "pk", "absence"),
    (r"^schoollife:alert_letter$", "pk", "student"),
    (r"^schoollife:alert_letter$", "kind", "letter_kind"),
    (r"^orders:attachment$", "pk", "attachment"),
    (r"^orders:action$", "action", "order_action"),
    (r"^orders:", "pk", "order"),
    (r"^workshop_edit$", "pk", "workshop"),
    (r"^budget:line_(add|edit)$", "year", "budget_year"),
    (r"^budget:line_edit$", "pk", "budget_line"),
    (r"^safety:machine_edit$", "pk", "machine"),
    (r"^safety:declaration", "pk", "declaration"),
    (r"^safety:opinion_scan$", "pk", "opinion"),
    (r"^safety:", "pk", "student"),
    (r"^skills:(booklet|chef)", "pk", "student"),
    (r"^skills:photo$", "pk", "evidence_photo"),
    (r"^skills:registration$", "pk", "exam_registration"),
    (r"^skills:(evidence|correct)$", "pk", "evidence"),
    (r"^skills:order$", "pk", "order"),
    (r"^skills:workshop$", "pk", "workshop"),
    (r"^budget:(donor_detail|donor_edit|annual_receipt)$", "pk", "donor"),
    (r"^budget:donation_add$", "donor", "donor"),
    (r"^budget:(donation_edit|receipt_issue)$", "pk", "donation"),
    (r"^budget:receipt_(detail|pdf|cancel|send)$", "pk", "tax_receipt"),
    (r"^budget:(pledge_add|transfer_add)$", "year", "tax_campaign"),
    (r"^budget:(pledge_edit|thank_you)$", "pk", "pledge"),
    (r"^budget:transfer_edit$", "pk", "transfer"),
    (r"^budget:(grant_detail|grant_edit)$", "pk", "grant"),
    (r"^budget:instalment_add$", "grant", "grant"),
    (r"^budget:instalment_edit$", "pk", "instalment"),
    (r"^budget:families_call$", "year", "budget_year"),
    (r"^budget:fec_(file|notice)$", "pk", "budget_year_row"),
    (r"^budget:(contribution_edit|family_payment)$", "pk", "contribution"),
    (r"^banking:mapping_add$", "account", "bank_account"),
    (r"^banking:account_edit$", "pk", "bank_account"),
    (r"^banking:mapping_edit$", "pk", "csv_mapping"),
    (r"^banking:statement$", "pk", "statement_import"),
    (r"^banking:line_", "pk", "statement_line"),
    (r"^banking:batch", "pk", "transfer_batch"),
    (r"^staff:", "pk", "member"),
    (r"^families:(child_\w+|report_absence|acknowledge|invitations|invite)$", "pk", "student"),
    (r"^families:(child|pupil)_photo$", "photo", "evidence_photo"),
    (r"^families:acknowledge$", "doc", "publication"),
    (r"^families:publication(_file)?$", "pk", "publication"),
    (r"^families:self_assess$", "pk", "evidence"),
    (r"^families:invitation_revoke$", "pk", "invitation"),
    (r"^families:report_(decide|document)$", "pk", "absence_report"),
]


def kind_of(route_name: str, param: str) -> str | None:
    for pattern, name, kind in RULES:
        if name == param and re.search(pattern, route_name):
            return kind
    return None


class Scenario:
    """Builds objects on demand: `scenario.get(kind)` -> (own value, other value or None).

    "other" is None for objects nobody is scoped out of (a customer, a cohort year)."""

    def __init__(self, wood_trainer, metal_trainer, woodwork, machining, director, teacher):
        self.wood_trainer = wood_trainer
        self.metal_trainer = metal_trainer
        self.woodwork = woodwork
        self.machining = machining
        self.director = director
        self.teacher = teacher
        self._cache: dict[str, tuple] = {}

    def get(self, kind: str) -> tuple:
        if kind not in self._cache:
            self._cache[kind] = getattr(self, f"_build_{kind}")()
        return self._cache[kind]

    # -- builders: each returns (own, other) model instances or plain values -----------

    def _build_workshop(self):
        return self.woodwork, self.machining

    def _build_member(self):
        """A member of staff (the director's staff pages; nobody else opens them)."""
        return self.wood_trainer, None

    def _build_budget_year(self):
        year = BudgetYear.objects.create(start=dt.date(2025, 9, 1), end=dt.date(2026, 8, 31))
        self._budget_year = year
        return year.start.year, None

    def _build_budget_year_row(self):
        """The budget year itself, by its key (the FEC of a fiscal year)."""
        self.get("budget_year")
        return self._budget_year, None

    def _build_budget_line(self):
        self.get("budget_year")
        line = BudgetLine.objects.create(
            year=self._budget_year, kind="resource", source="donations", label="Dons"
        )
        return line, None

    # The funding ledgers: nobody is scoped out of one of their rows, only out of the pages.
    def _build_donor(self):
        return Donor.objects.create(name="Jean Dupuis"), None

    def _build_donation(self):
        donor = self.get("donor")[0]
        day = dt.date(2026, 1, 5)
        return Donation.objects.create(
            donor=donor, date=day, amount=Decimal("50"), method="cheque", received_on=day
        ), None

    # School life: absences are the office's and the direction's, nobody scoped out.
    def _build_absence(self):
        pupil = self.get("student")[0]
        return Absence.objects.create(student=pupil, day=dt.date(2026, 11, 16), half="am"), None

    def _build_publication(self):
        # Own: to every family; other: to a cohort the own pupil is not in.
        def publish(audience, cohort):
            return Publication.objects.create(
                title="Règlement", file=default_storage.save("publications/r.pdf", ContentFile(
                    b"%PDF-1.4\n%%EOF")), audience=audience, cohort=cohort,
                published_by=self.director,
            )  # fmt: skip

        return publish("all", None), publish("cohort", 2019)

    def _build_invitation(self):
        return Invitation.objects.create(
            student=self.get("student")[0], channel="letter", created_by=self.director,
            expires_at=timezone.now() + dt.timedelta(days=14),
        ), None  # fmt: skip

    def _build_absence_report(self):
        AbsenceReason.objects.ensure_defaults()
        report = AbsenceReport.objects.create(
            student=self.get("student")[0], reported_by=self.director,
            reason=AbsenceReason.objects.first(), first_day=dt.date(2026, 11, 16),
            last_day=dt.date(2026, 11, 16), document=default_storage.save(
                "absences/families/r.pdf", ContentFile(b"%PDF-1.4\n%%EOF")),
        )  # fmt: skip
        return report, None

    def _build_letter_kind(self):
        return "dasen", None

    def _build_supplier_invoice(self):
        # The school's own purchases: nobody is scoped out of one, only out of the pages.
        return SupplierInvoice.objects.create(
            flow_id="FLOW-1", type_code="380", number="F-778", issue_date=dt.date(2026, 1, 8),
            supplier_name="Bois du Lyonnais", total_excl_vat=Decimal("100.00"),
            total_vat=Decimal("20.00"), total_incl_vat=Decimal("120.00"),
            amount_due=Decimal("120.00"), xml="<rsm:CrossIndustryInvoice/>",
            pdf=ContentFile(b"%PDF-1.4 facture", name="f-778.pdf"),
        ), None  # fmt: skip

    def _build_tax_receipt(self):
        donor = self.get("donor")[0]
        return TaxReceipt.objects.create(
            number="RF-2026-0001", year=2026, sequence=1, donor=donor,
            issue_date=dt.date(2026, 1, 6), donor_kind="person", donor_name=donor.name,
            amount=Decimal("50"), amount_in_words="cinquante euros",
            article="article 200 du code général des impôts", signatory="Claire Vasseur",
        ), None  # fmt: skip

    def _build_tax_campaign(self):
        self._campaign = TaxCampaign.objects.create(year=2026)
        return 2026, None

    def _build_pledge(self):
        self.get("tax_campaign")
        return Pledge.objects.create(campaign=self._campaign, company="ACME"), None

    def _build_transfer(self):
        self.get("tax_campaign")
        return Transfer.objects.create(
            campaign=self._campaign, date=dt.date(2026, 7, 1), amount=Decimal("10"),
            reference="SOLTEA-1", kind="unallocated",
        ), None  # fmt: skip

    def _build_grant(self):
        return Grant.objects.create(
            funder="Région", programme="EP", amount_granted=Decimal("100"),
            agreement_start=dt.date(2025, 9, 1), agreement_end=dt.date(2026, 8, 31),
        ), None  # fmt: skip

    def _build_instalment(self):
        grant = self.get("grant")[0]
        return Instalment.objects.create(
            grant=grant, expected_on=dt.date(2026, 1, 1), expected_amount=Decimal("50")
        ), None

    def _build_contribution(self):
        self.get("budget_year")
        pupil = self.get("student")[0]
        return FamilyContribution.objects.create(
            student=pupil, year=self._budget_year, amount_due=Decimal("330")
        ), None

    # The bank: the school's own, nobody scoped out of a row, only out of the pages.
    def _build_bank_account(self):
        return BankAccount.objects.create(name="Compte", iban="FR7630006000011234567890189"), None

    def _build_csv_mapping(self):
        account = self.get("bank_account")[0]
        return CsvMapping.objects.create(account=account, name="CSV", amount_column=3), None

    def _build_statement_import(self):
        account = self.get("bank_account")[0]
        return StatementImport.objects.create(
            account=account, filename="releve.xml", format="camt053", sha256="0" * 64,
        ), None  # fmt: skip

    def _build_statement_line(self):
        statement = self.get("statement_import")[0]
        return StatementLine.objects.create(
            account=statement.account, statement=statement, booking_date=dt.date(2026, 1, 5),
            amount=Decimal("-8.40"), remittance="FRAIS", bank_reference="B-1",
        ), None  # fmt: skip

    def _build_transfer_batch(self):
        account = self.get("bank_account")[0]
        return TransferBatch.objects.create(
            account=account, message_id="MSG-1", execution_date=dt.date(2026, 1, 5),
            total=Decimal("10.00"), count=1, xml="<Document/>",
        ), None  # fmt: skip

    def _build_cohort(self):
        self.get("student")
        return 2025, None

    def _build_student(self):
        def pupil(workshop, tutor, name):
            return Student.objects.create(
                first_name=name,
                last_name="Test",
                birth_date=dt.date(2009, 3, 1),
                workshop=workshop,
                tutor=tutor,
                entry_date=dt.date(2025, 9, 1),
                cohort=2025,
            )

        return (
            pupil(self.woodwork, self.wood_trainer, "Lucas"),
            pupil(self.machining, self.metal_trainer, "Inès"),
        )

    def _build_note(self):
        own, other = self.get("student")
        return tuple(
            FollowUpNote.objects.create(
                student=s, category="family", text="Confidentiel", author=s.tutor
            )
            for s in (own, other)
        )

    def _build_customer(self):

        return Customer.objects.create(name="Menuiseries Rhône"), None

    def _build_order(self):

        customer, _ = self.get("customer")
        orders = []
        for workshop, trainer in (
            (self.woodwork, self.wood_trainer),
            (self.machining, self.metal_trainer),
        ):
            order = Order.objects.create(
                customer=customer,
                title=f"Commande {workshop.name}",
                workshop=workshop,
                trainer=trainer,
            )
            line = OrderLine(
                order=order,
                description="Étagère",
                quantity=Decimal("2"),
                unit_price=Decimal("150.00"),
                vat_rate=Decimal("20.0"),
            )
            line.amount_excl_vat = line.quantity * line.unit_price
            line.save()
            # Accepted by the customer (lines only change before): the state work is logged on.
            Order.objects.filter(pk=order.pk).update(status=Order.Status.ACCEPTED)
            order.refresh_from_db()
            orders.append(order)
        return tuple(orders)

    def _build_order_action(self):
        return "start_production", None  # an action trainers may take

    def _build_invoice(self):
        return tuple(
            issue_invoice(order, self.director, deposit_percent=Decimal("30"), render=False)
            for order in self.get("order")
        )

    def _build_credit_note(self):
        return tuple(
            issue_credit_note(invoice, self.director, reason="Erreur", render=False)
            for invoice in self.get("invoice")
        )

    def _build_payment(self):
        return tuple(
            record_payment(
                invoice, self.director, date=invoice.issue_date, amount=Decimal("10"),
                method="cheque",
            )
            for invoice in self.get("invoice")
        )  # fmt: skip

    def _build_reminder(self):
        return tuple(
            Reminder.objects.create(
                invoice=invoice, level=1, balance_due=invoice.total_incl_vat, days_late=8
            )
            for invoice in self.get("invoice")
        )

    def _build_document_send(self):
        invoice, _ = self.get("invoice")
        send = DocumentSend.objects.create(
            kind="invoice", customer=invoice.order.customer, invoice=invoice,
            recipients="compta@example.fr", subject="Facture", status="failed", attempts=4,
        )  # fmt: skip
        return send, None

    def _build_send_batch(self):
        reminder, _ = self.get("reminder")
        batch = uuid.UUID(int=7)
        DocumentSend.objects.create(
            kind="reminder", customer=reminder.invoice.order.customer, reminder=reminder,
            recipients="compta@example.fr", subject="Relance", batch=batch,
        )  # fmt: skip
        return batch, None

    def _build_attachment(self):

        return tuple(
            Attachment.objects.create(order=order, file=ContentFile(b"plan", name="plan.txt"))
            for order in self.get("order")
        )

    def _build_worklog(self):
        logs = []
        start = timezone.make_aware(dt.datetime(2026, 1, 12, 8, 0))
        for student, order in zip(self.get("student"), self.get("order"), strict=True):
            logs.append(
                WorkLog.objects.create(
                    order=order,
                    student=student,
                    start=start,
                    end=start + dt.timedelta(hours=3),
                    logged_by=self.director,
                )
            )
        return tuple(logs)

    def _build_closure(self):
        closure = Closure.objects.create(
            name="Pont", first_day=dt.date(2026, 5, 15), last_day=dt.date(2026, 5, 15)
        )
        return closure, None

    def _build_opened_day(self):
        day = OpenedDay.objects.create(
            day=dt.date(2026, 5, 16), reason="Marché", opened_by=self.director
        )
        return day, None

    def _build_pattern(self):
        pattern = SessionPattern.objects.create(
            subject="general", title="Français", teacher=self.teacher, audience="cohort",
            cohort=2025, weekday=0, start_time=dt.time(8, 30), end_time=dt.time(10),
            first_day=dt.date(2025, 9, 1), last_day=dt.date(2026, 7, 3),
        )  # fmt: skip
        return pattern, None

    def _build_theory_session(self):
        sessions = []
        start = timezone.make_aware(dt.datetime(2026, 1, 13, 14, 0))
        for student in self.get("student"):
            session = TheorySession.objects.create(
                subject=TheorySession.Subject.values[0],
                title=f"Cours {student.first_name}",
                teacher=self.teacher,
                start=start,
                end=start + dt.timedelta(hours=2),
            )
            Attendance.objects.create(session=session, student=student)
            sessions.append(session)
        return tuple(sessions)

    def _build_machine(self):
        return tuple(
            Machine.objects.create(
                workshop=w, inventory_number=f"M-{w.pk}", name="Scie", kind="machines"
            )
            for w in (self.woodwork, self.machining)
        )

    def _build_declaration(self):
        declaration = Declaration.objects.create(
            sent_on=dt.date(2025, 1, 10),
            method="letter",
            trainings="CAP",
            places="Lyon",
            proof=ContentFile(b"%PDF-1.4 AR", name="ar.pdf"),
            created_by=self.director,
        )
        return declaration, None

    def _build_opinion(self):
        return tuple(
            MedicalOpinion.objects.create(
                student=s,
                date=dt.date(2026, 1, 5),
                doctor="Dr Morel",
                outcome="fit",
                scan=ContentFile(b"%PDF-1.4 avis", name="avis.pdf"),
                recorded_by=self.director,
            )
            for s in self.get("student")
        )

    def _build_evidence(self):
        diploma = Diploma.objects.create(kind="cap", code="CAP-T", name="Essai")
        version = DiplomaVersion.objects.create(diploma=diploma, label="2020")
        bloc = Bloc.objects.create(version=version, code="UP1", name="Fabrication")
        competency = Competency.objects.create(bloc=bloc, code="C1", wording="Usiner")
        items = []
        for student in self.get("student"):
            item = Evidence.objects.create(
                student=student,
                competency=competency,
                source="observation",
                level=3,
                autonomy="guided",
                recorded_by=self.director,
            )
            item.validate(self.director)  # validated: the correction page opens
            items.append(item)
        return tuple(items)

    def _build_evidence_photo(self):
        # Past the model's guard (the evidence is validated): as if taken before.
        jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 60
        return tuple(
            EvidencePhoto.objects.bulk_create(
                [
                    EvidencePhoto(
                        evidence=item,
                        student=item.student,
                        image=default_storage.save(
                            f"evidence/{item.student_id}/t.jpg", ContentFile(jpeg)
                        ),
                    )
                ]
            )[0]
            for item in self.get("evidence")
        )

    def _build_exam_registration(self):
        version = self.get("evidence")[0].competency.bloc.version
        return tuple(
            ExamRegistration.objects.create(student=s, version=version, session_year=2026)
            for s in self.get("student")
        )


def pk_of(value) -> object:
    return getattr(value, "pk", value)
