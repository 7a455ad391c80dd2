"""Factur-X (SPEC.md R12): every kind of document the school issues is a PDF/A-3 whose
embedded CII XML passes the Factur-X EN 16931 XSD and the EN 16931 business rules (the
European Commission's Schematron, vendored in billing/einvoicing/), built from the
frozen data; the reform's mentions are on the PDF and in the XML."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from billing import facturx, invoicing
from billing.models import Invoice
from ecoles.models import School
from ecoles.stored import sha256
from orders.models import Customer, Order, OrderLine
from tests.orders.conftest import walk_to

pytestmark = pytest.mark.django_db

D = Decimal
NS = facturx.NSMAP
DAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="session")
def rules():
    """The EN 16931 Schematron, compiled once for the whole session (it takes a while)."""
    facturx._schematron()
    return facturx.broken_rules


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def order_for(customer, workshop, office, lines, status="delivered", **fields) -> Order:
    order = Order.objects.create(customer=customer, title="Commande", workshop=workshop, **fields)
    for i, (qty, price, rate, unit) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order, position=i, description=f"Ligne {i}", quantity=D(qty),
            unit_price=D(price), vat_rate=D(rate), unit=unit,
        )  # fmt: skip
    walk_to(order, status, office)
    order.refresh_from_db()
    return order


def set_regime(regime, **fields):
    school = School.load()
    school.vat_regime = regime
    for name, value in fields.items():
        setattr(school, name, value)
    school.save()


@pytest.fixture
def public_body(db):
    return Customer.objects.create(
        kind=Customer.Kind.COMPANY, tax_status=Customer.TaxStatus.PUBLIC,
        name="Mairie de Lyon", siret="21690123100011", address="1 place de la Comédie",
        postal_code="69001", city="Lyon",
    )  # fmt: skip


@pytest.fixture
def german(db):
    return Customer.objects.create(
        kind=Customer.Kind.COMPANY, tax_status=Customer.TaxStatus.EU, country_code="DE",
        name="Holzbau GmbH", vat_number="DE136695976", address="Hauptstraße 1",
        postal_code="10115", city="Berlin", country="Allemagne",
    )  # fmt: skip


@pytest.fixture
def swiss(db):
    return Customer.objects.create(
        kind=Customer.Kind.COMPANY, tax_status=Customer.TaxStatus.NON_EU, country_code="CH",
        name="Atelier Léman SA", address="Rue du Lac 4", postal_code="1201", city="Genève",
        country="Suisse",
    )  # fmt: skip


RATES = [("3", "33.335", "20", "u"), ("7", "0.99", "10", "h"), ("1", "12.34", "5.5", "kg")]


def scenario(name, request, office, woodwork):
    """The documents of one case, issued through the real path."""
    get = request.getfixturevalue
    company, individual = get("company"), get("individual")
    if name == "company_several_rates":
        return [invoicing.issue_invoice(order_for(company, woodwork, office, RATES), office,
                                        today=DAY)]  # fmt: skip
    if name == "person":
        lines = [("2", "45.50", "20", "u")]
        return [invoicing.issue_invoice(order_for(individual, woodwork, office, lines), office,
                                        today=DAY)]  # fmt: skip
    if name in ("franchise_293b", "exempt_261"):
        set_regime(name.replace("franchise_", "exempt_"), vat_number="")
        order = order_for(company, woodwork, office, RATES)
        invoice = invoicing.issue_invoice(order, office, today=DAY)
        note = invoicing.issue_credit_note(invoice, office, reason="Geste", today=DAY,
                                           amount_excl_vat=D("10"))  # fmt: skip
        return [invoice, note]
    if name == "sectorised":
        set_regime(School.VatRegime.SECTORISED)
        lines = [("1", "100", "20", "u"), ("2", "40", "0", "h")]
        return [invoicing.issue_invoice(order_for(company, woodwork, office, lines), office,
                                        today=DAY)]  # fmt: skip
    if name == "deposit_then_final":
        order = order_for(company, woodwork, office, RATES, status="accepted")
        deposit = invoicing.issue_invoice(order, office, deposit_percent=D("30"), today=DAY)
        order.refresh_from_db()
        order.start_production(by=office)
        order.deliver(by=office, verdict="conforms")
        final = invoicing.issue_invoice(order, office, today=DAY)
        return [deposit, final]
    if name == "credit_notes":
        invoice = invoicing.issue_invoice(order_for(company, woodwork, office, RATES), office,
                                          today=DAY)  # fmt: skip
        partial = invoicing.issue_credit_note(
            invoice, office, reason="Remise", today=DAY, amount_excl_vat=D("9.99"),
            vat_rate=D("10"),
        )  # fmt: skip
        other = invoicing.issue_invoice(order_for(individual, woodwork, office, RATES), office,
                                        today=DAY)  # fmt: skip
        full = invoicing.issue_credit_note(other, office, reason="Annulation", today=DAY)
        return [partial, full]
    if name == "public_body":
        order = order_for(get("public_body"), woodwork, office, RATES,
                          service_code="SERV-BAT", commitment_number="EJ-2026-42")  # fmt: skip
        return [invoicing.issue_invoice(order, office, today=DAY)]
    if name == "foreign":
        lines = [("1", "250", "20", "u")]
        return [invoicing.issue_invoice(order_for(get(c), woodwork, office, lines), office,
                                        today=DAY) for c in ("german", "swiss")]  # fmt: skip
    if name == "eu_goods_and_services":
        lines = [("2", "150", "20", "u"), ("6", "40", "20", "h")]
        return [invoicing.issue_invoice(order_for(get("german"), woodwork, office, lines),
                                        office, today=DAY)]  # fmt: skip
    if name == "eu_deposit_then_final_and_credit":
        order = order_for(get("german"), woodwork, office, RATES, status="accepted")
        deposit = invoicing.issue_invoice(order, office, deposit_percent=D("30"), today=DAY)
        order.refresh_from_db()
        order.start_production(by=office)
        order.deliver(by=office, verdict="conforms")
        final = invoicing.issue_invoice(order, office, today=DAY)
        note = invoicing.issue_credit_note(final, office, reason="Remise", today=DAY,
                                           amount_excl_vat=D("5"), vat_rate=D("0"))  # fmt: skip
        return [deposit, final, note]
    if name == "non_eu_services":
        lines = [("10", "42", "20", "h")]
        order = order_for(get("swiss"), woodwork, office, lines)
        invoice = invoicing.issue_invoice(order, office, today=DAY)
        return [invoice, invoicing.issue_credit_note(invoice, office, reason="Erreur",
                                                     today=DAY)]  # fmt: skip
    if name == "debits_and_delivery_address":
        set_regime(School.VatRegime.SUBJECT, vat_on_debits=True, electronic_address="732829320")
        company.delivery_address = "Chantier Confluence\n12 cours Charlemagne\n69002 Lyon"
        company.electronic_address = "732829320_FACT"
        company.save()
        lines = [("8", "35", "20", "h"), ("1", "120", "20", "u")]
        return [invoicing.issue_invoice(order_for(company, woodwork, office, lines), office,
                                        today=DAY)]  # fmt: skip
    raise AssertionError(name)


SCENARIOS = [
    "company_several_rates", "person", "franchise_293b", "exempt_261", "sectorised",
    "deposit_then_final", "credit_notes", "public_body", "foreign",
    "debits_and_delivery_address", "eu_goods_and_services", "eu_deposit_then_final_and_credit",
    "non_eu_services",
]  # fmt: skip


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_document_passes_the_xsd_and_the_en16931_rules(
    name, request, office, woodwork, school, rules
):
    for document in scenario(name, request, office, woodwork):
        xml = facturx.build_xml(document)
        assert facturx.xsd_errors(xml) == [], (document.number, xml.decode())
        assert rules(xml) == [], (document.number, xml.decode())


def off_by_a_cent(xml: bytes) -> bytes:
    tree = etree.fromstring(xml)
    grand = tree.find(".//ram:GrandTotalAmount", NS)
    grand.text = f"{D(grand.text) + D('0.01'):.2f}"
    return etree.tostring(tree)


def test_the_rules_catch_a_total_off_by_a_cent(
    delivered, office, school, rules, django_capture_on_commit_callbacks
):
    invoice = invoicing.issue_invoice(delivered, office, today=DAY)
    xml = facturx.build_xml(invoice)
    assert rules(xml) == []
    broken = rules(off_by_a_cent(xml))
    assert any(rule.startswith("[BR-CO-15]") for rule in broken), broken


def test_the_xsd_catches_an_element_out_of_place(delivered, office, school):
    xml = facturx.build_xml(invoicing.issue_invoice(delivered, office, today=DAY))
    tree = etree.fromstring(xml)
    header = tree.find("rsm:ExchangedDocument", NS)
    header.append(header.find("ram:ID", NS))  # the number after the notes: not in the XSD
    assert facturx.xsd_errors(etree.tostring(tree))
    assert facturx.problems(etree.tostring(tree))


def stored(document):
    invoicing.store_pdf(document)
    return type(document).objects.get(pk=document.pk)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("name", ["deposit_then_final", "credit_notes", "public_body"])
def test_the_stored_pdf_is_a_pdf_a3_carrying_the_stored_xml(
    name, request, office, woodwork, school
):
    from facturx import get_xml_from_pdf

    for document in scenario(name, request, office, woodwork):
        document = stored(document)
        data = document.pdf.read()
        filename, xml = get_xml_from_pdf(data, check_xsd=True)
        assert filename == "factur-x.xml"
        assert xml.decode() == document.facturx_xml
        assert sha256(xml) == document.xml_sha256
        assert sha256(data) == document.pdf_sha256
        reader = PdfReader(io.BytesIO(data))
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        assert "<pdfaid:part>3</pdfaid:part>" in xmp
        assert "<fx:DocumentType>INVOICE</fx:DocumentType>" in xmp
        assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
        af = reader.trailer["/Root"]["/AF"][0].get_object()
        assert af["/AFRelationship"] == "/Data"


def xml_of(document):
    return etree.fromstring(facturx.build_xml(document))


def test_type_codes_and_the_credited_invoice(request, office, woodwork, school):
    deposit, final = scenario("deposit_then_final", request, office, woodwork)
    partial, _full = scenario("credit_notes", request, office, woodwork)
    code = "rsm:ExchangedDocument/ram:TypeCode"
    assert xml_of(deposit).findtext(code, namespaces=NS) == "386"
    assert xml_of(final).findtext(code, namespaces=NS) == "380"
    note = xml_of(partial)
    assert note.findtext(code, namespaces=NS) == "381"
    ref = ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID"
    assert note.findtext(ref, namespaces=NS) == partial.invoice.number
    # The final invoice deducts its deposit: a negative quantity at a positive price.
    deduction = xml_of(final).findall(".//ram:IncludedSupplyChainTradeLineItem", NS)[-1]
    assert deduction.findtext(".//ram:BilledQuantity", namespaces=NS) == "-1"
    process = ".//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    assert xml_of(final).findtext(process, namespaces=NS) == "M4"
    assert xml_of(deposit).findtext(process, namespaces=NS) == "M1"


def test_the_new_mentions_are_on_the_pdf_and_in_the_xml(request, office, woodwork, school):
    (invoice,) = scenario("debits_and_delivery_address", request, office, woodwork)
    invoice = stored(invoice)
    assert invoice.operation_category == "mixed"
    assert invoice.vat_on_debits
    text = pdf_text(invoice.pdf.read())
    for mention in [
        "Catégorie de l'opération",
        "Livraison de biens et prestation de services",
        "SIREN du client 732829320",
        "Option pour le paiement de la taxe d'après les débits",
        "Chantier Confluence",
    ]:
        assert mention in text, mention
    tree = etree.fromstring(invoice.facturx_xml.encode())
    assert tree.findtext(".//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
                         namespaces=NS) == "732829320"  # fmt: skip
    notes = [
        n.findtext("ram:Content", namespaces=NS) for n in tree.iterfind(".//ram:IncludedNote", NS)
    ]
    assert "Option pour le paiement de la taxe d'après les débits" in notes
    assert any("Livraison de biens et prestation de services" in n for n in notes)
    assert tree.findall(".//ram:DueDateTypeCode", NS)[0].text == "5"
    ship_to = tree.find(".//ram:ShipToTradeParty/ram:PostalTradeAddress", NS)
    assert ship_to.findtext("ram:LineOne", namespaces=NS) == "Chantier Confluence"
    assert ship_to.findtext("ram:PostcodeCode", namespaces=NS) == "69002"
    seller_address = ".//ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID"
    assert tree.findtext(seller_address, namespaces=NS) == "732829320"


def test_a_delivery_address_equal_to_the_billing_one_is_not_mentioned(
    company, woodwork, office, school
):
    company.delivery_address = "3 quai Perrache\n69002 Lyon"
    company.save()
    order = order_for(company, woodwork, office, [("1", "10", "20", "u")])
    invoice = invoicing.issue_invoice(order, office, today=DAY)
    assert invoice.delivery_address == ""
    assert xml_of(invoice).find(".//ram:ShipToTradeParty", NS) is None


def test_the_order_overrides_the_category_from_its_lines(company, woodwork, office, school):
    hours = [("3", "30", "20", "h")]
    services = invoicing.issue_invoice(order_for(company, woodwork, office, hours), office)
    assert services.operation_category == "services"
    order = order_for(company, woodwork, office, hours, operation_category="goods")
    assert invoicing.issue_invoice(order, office).operation_category == "goods"


def test_chorus_pro_data_are_in_the_xml(request, office, woodwork, school):
    (invoice,) = scenario("public_body", request, office, woodwork)
    assert invoice.route == "chorus"
    tree = xml_of(invoice)
    assert tree.findtext(".//ram:BuyerReference", namespaces=NS) == "SERV-BAT"
    assert tree.findtext(".//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
                         namespaces=NS) == "EJ-2026-42"  # fmt: skip
    buyer_id = tree.find(".//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert (buyer_id.text, buyer_id.get("schemeID")) == ("21690123100011", "0009")


def test_the_xml_is_built_from_the_frozen_data(delivered, company, office, school):
    invoice = invoicing.issue_invoice(delivered, office, today=DAY)
    before = facturx.build_xml(invoice)
    company.name = "Autre nom"
    company.siret = "21690123100011"
    company.save()
    School.objects.update(name="Autre école", vat_number="")
    delivered.lines.update(description="Changée")
    assert facturx.build_xml(Invoice.objects.get(pk=invoice.pk)) == before


# --- VAT follows where the customer is (issue #27 §2, SPEC.md R12) -----------------------


def categories_of(tree) -> list[tuple]:
    """[(category, base, VAT, rate or None, VATEX code, reason)] of the VAT breakdown."""
    taxes = tree.findall(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    return [
        (
            t.findtext("ram:CategoryCode", namespaces=NS),
            t.findtext("ram:BasisAmount", namespaces=NS),
            t.findtext("ram:CalculatedAmount", namespaces=NS),
            t.findtext("ram:RateApplicablePercent", namespaces=NS),
            t.findtext("ram:ExemptionReasonCode", namespaces=NS),
            t.findtext("ram:ExemptionReason", namespaces=NS),
        )
        for t in taxes
    ]


def test_goods_to_a_german_company_are_exempt_and_a_swiss_one_is_an_export(
    request, office, woodwork, school
):
    german, swiss = (stored(i) for i in scenario("foreign", request, office, woodwork))
    for invoice, code, vatex, article in [
        (german, "K", "VATEX-EU-IC", "262 ter I"), (swiss, "G", "VATEX-EU-G", "262 I"),
    ]:  # fmt: skip
        assert (invoice.total_excl_vat, invoice.total_vat, invoice.total_incl_vat) == (
            D("250.00"), D("0.00"), D("250.00"),
        )  # fmt: skip
        assert [ln.vat_category for ln in invoice.lines.all()] == [code]
        tree = etree.fromstring(invoice.facturx_xml.encode())
        ((category, base, vat, rate, reason_code, reason),) = categories_of(tree)
        assert (category, base, vat, rate, reason_code) == (code, "250.00", "0.00", "0", vatex)
        assert article in reason
        line_code = ".//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
        assert tree.findtext(line_code, namespaces=NS) == code
        text = pdf_text(invoice.pdf.read())
        assert f"article {article} du CGI" in text
        assert "TVA 20" not in text
        if code == "K":
            assert "DE136695976" in text
    # Both VAT numbers on the intra-EU invoice (the school's and the customer's).
    tree = etree.fromstring(german.facturx_xml.encode())
    vat_ids = [e.text for e in tree.iterfind(".//ram:SpecifiedTaxRegistration/ram:ID", NS)]
    assert vat_ids == ["FR44732829320", "DE136695976"]
    # The goods go to Germany (BR-IC-12).
    ship_to = ".//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID"
    assert tree.findtext(ship_to, namespaces=NS) == "DE"


def test_a_mixed_invoice_to_an_eu_company_has_exempt_goods_and_reverse_charged_services(
    request, office, woodwork, school
):
    (invoice,) = scenario("eu_goods_and_services", request, office, woodwork)
    invoice = stored(invoice)
    assert {ln.unit: ln.vat_category for ln in invoice.lines.all()} == {"u": "K", "h": "AE"}
    assert invoice.total_vat == 0 and invoice.total_incl_vat == D("540.00")
    rows = categories_of(etree.fromstring(invoice.facturx_xml.encode()))
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("K", "300.00", "VATEX-EU-IC"), ("AE", "240.00", "VATEX-EU-AE"),
    ]  # fmt: skip
    text = pdf_text(invoice.pdf.read())
    assert "Autoliquidation" in text and "262 ter I" in text


def test_services_to_a_company_outside_the_eu_are_outside_french_vat(
    request, office, woodwork, school
):
    invoice, note = scenario("non_eu_services", request, office, woodwork)
    tree = xml_of(invoice)
    ((category, base, vat, rate, reason_code, reason),) = categories_of(tree)
    assert (category, base, vat, rate, reason_code) == ("O", "420.00", "0.00", None, "VATEX-EU-O")
    assert "259-1°" in reason
    # BR-O-02: no VAT number of either party in the XML (the PDF keeps the school's).
    assert tree.find(".//ram:SpecifiedTaxRegistration[ram:ID='FR44732829320']", NS) is None
    assert [ln.vat_category for ln in note.lines.all()] == ["O"]
    assert categories_of(xml_of(note))[0][0] == "O"


def test_goods_and_services_to_a_company_outside_the_eu_are_refused_on_one_invoice(
    swiss, woodwork, office, school
):
    order = order_for(swiss, woodwork, office, [("1", "100", "20", "u"), ("2", "40", "20", "h")])
    with pytest.raises(invoicing.InvoicingError, match="deux commandes"):
        invoicing.issue_invoice(order, office, today=DAY)


def test_an_intra_eu_supply_needs_the_customers_vat_number(german, woodwork, office, school):
    german.vat_number = ""
    german.save()
    order = order_for(german, woodwork, office, [("1", "100", "20", "u")])
    with pytest.raises(invoicing.InvoicingError, match="numéro de TVA du client"):
        invoicing.issue_invoice(order, office, today=DAY)


def test_a_deposit_abroad_is_exempt_and_deducted_from_its_own_category(
    request, office, woodwork, school
):
    deposit, final, note = scenario("eu_deposit_then_final_and_credit", request, office, woodwork)
    # RATES: goods (u, kg) and services (h): the deposit has a line for each category.
    assert sorted((ln.vat_category, ln.vat_rate) for ln in deposit.lines.all()) == [
        ("AE", 0), ("K", 0),
    ]  # fmt: skip
    assert deposit.total_vat == final.total_vat == note.total_vat == 0
    deducted = {ln.vat_category: ln.amount_excl_vat for ln in final.lines.all()
                if ln.amount_excl_vat < 0}  # fmt: skip
    deposited = {ln.vat_category: ln.amount_excl_vat for ln in deposit.lines.all()}
    assert deducted == {category: -amount for category, amount in deposited.items()}
    # Together they bill the order's total excluding VAT, and no VAT.
    order_total = sum(ln.amount_excl_vat for ln in final.order.lines.all())
    assert deposit.total_incl_vat + final.total_incl_vat == order_total
    # The deposit is dated by its invoicing period (BR-IC-11: no delivery yet).
    period = ".//ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString"
    assert xml_of(deposit).findtext(period, namespaces=NS) == "20260302"


def test_a_private_person_abroad_keeps_french_vat(woodwork, office, school):
    person = Customer.objects.create(
        kind=Customer.Kind.INDIVIDUAL, tax_status=Customer.TaxStatus.PERSON, country_code="DE",
        name="Hans Müller", address="Hauptstraße 2", postal_code="10115", city="Berlin",
        country="Allemagne",
    )  # fmt: skip
    order = order_for(person, woodwork, office, [("1", "100", "20", "u"), ("1", "50", "20", "h")])
    invoice = invoicing.issue_invoice(order, office, today=DAY)
    assert invoice.total_vat == D("30.00")
    assert {ln.vat_category for ln in invoice.lines.all()} == {""}


# --- the parties in the XML (issue #27 §2) -----------------------------------------------


def test_the_buyers_address_is_frozen_in_its_parts_and_written_so(
    company, woodwork, office, school
):
    company.address, company.address_line2 = "12 rue de la Paix", "ZAC des Pins"
    company.postal_code, company.city = "69007", "Lyon"
    company.save()
    invoice = invoicing.issue_invoice(
        order_for(company, woodwork, office, [("1", "10", "20", "u")]), office, today=DAY
    )
    company.address, company.postal_code = "Ailleurs", "75001"
    company.save()
    address = xml_of(Invoice.objects.get(pk=invoice.pk)).find(
        ".//ram:BuyerTradeParty/ram:PostalTradeAddress", NS
    )
    parts = {el.tag.split("}")[1]: el.text for el in address}
    assert parts == {
        "PostcodeCode": "69007", "LineOne": "12 rue de la Paix", "LineTwo": "ZAC des Pins",
        "CityName": "Lyon", "CountryID": "FR",
    }  # fmt: skip
    assert invoice.customer_address == "12 rue de la Paix\nZAC des Pins\n69007 Lyon"


def test_the_migration_reads_issued_addresses_without_taking_a_word_for_a_postcode():
    migration = importlib.import_module("billing.migrations.0008_customer_address_in_parts")
    assert migration.split_address("12 rue de la Paix\nZAC des Pins\n69007 Lyon") == (
        "12 rue de la Paix", "ZAC des Pins", "69007", "Lyon", "",
    )  # fmt: skip
    assert migration.split_address("Kaiser-Joseph-Straße 12\n79098 Freiburg\nAllemagne") == (
        "Kaiser-Joseph-Straße 12", "", "79098", "Freiburg", "Allemagne",
    )  # fmt: skip


def test_the_schools_siren_in_the_xml_is_its_nine_digits(delivered, office, school):
    tree = xml_of(invoicing.issue_invoice(delivered, office, today=DAY))
    siren = tree.find(".//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert (siren.text, siren.get("schemeID")) == ("732829320", "0002")


def test_only_a_business_customers_xml_carries_the_late_payment_notes(
    request, office, woodwork, school
):
    def subjects(invoice):
        return [n.findtext("ram:SubjectCode", namespaces=NS)
                for n in xml_of(invoice).iterfind(".//ram:IncludedNote", NS)]  # fmt: skip

    (person,) = scenario("person", request, office, woodwork)
    (business,) = scenario("company_several_rates", request, office, woodwork)
    assert "PMD" not in subjects(person) and "PMT" not in subjects(person)
    assert {"PMD", "PMT"} <= set(subjects(business))
