"""Factur-X, profile EN 16931 (SPEC.md R12): the CII XML of an issued invoice, deposit
invoice or credit note, built from what the document froze at issue (never from the
customer, the order or the school as they stand now), and the PDF/A-3 that carries it.

The XML is written here element by element with lxml, in the order the Factur-X XSD
wants; the akretion `factur-x` library checks it against the profile's XSD and embeds it
in the PDF/A-3 that WeasyPrint renders (the `factur-x.xml` attachment, AFRelationship
Data, the fx: XMP extension schema, DocumentType INVOICE, ConformanceLevel EN 16931).
The EN 16931 business rules are the European Commission's compiled Schematron, vendored
in billing/einvoicing/ and run by `broken_rules` (Saxon).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from facturx import generate_from_binary, xml_check_xsd
from lxml import etree
from saxonche import PySaxonProcessor

from billing.models import CreditNote, Invoice, VatCategory
from orders.models import VAT_ABROAD, ZERO, Customer, OperationCategory, split_address

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

PROFILE = "urn:cen.eu:en16931:2017"
SCHEMATRON = Path(__file__).parent / "einvoicing" / "EN16931-CII-validation.xslt"

INVOICE, DEPOSIT, CREDIT_NOTE = "380", "386", "381"

# UN/ECE Recommendation 20 codes of our units.
UNIT_CODES = {
    "u": "H87", "h": "HUR", "j": "DAY", "m": "MTR", "m2": "MTK", "kg": "KGM", "pers": "IE",
    "forfait": "LS",
}  # fmt: skip

# The exemptions (VAT category E) and their codes (VATEX, CEF list).
EXEMPTIONS = {
    "exempt_293b": ("VATEX-FR-FRANCHISE", "TVA non applicable, art. 293 B du CGI"),
    "exempt_261": ("VATEX-FR-CGI261-7", "Exonération de TVA, art. 261-7-1° du CGI"),
}
EXEMPT_LINE = EXEMPTIONS["exempt_261"]  # a line at 0 % of a school that charges VAT

# BT-23, the French "cadre de facturation": an invoice of goods, services or both (B1,
# S1, M1; a final invoice after deposits B4, S4, M4).
BUSINESS_PROCESS = {
    OperationCategory.GOODS: "B1",
    OperationCategory.SERVICES: "S1",
    OperationCategory.MIXED: "M1",
}
CATEGORY_TEXT = {
    OperationCategory.GOODS: "Livraison de biens",
    OperationCategory.SERVICES: "Prestation de services",
    OperationCategory.MIXED: "Livraison de biens et prestation de services",
}
DEBITS_TEXT = "Option pour le paiement de la taxe d'après les débits"


def _amount(value) -> str:
    return f"{Decimal(value):.2f}"


def _quantity(value) -> str:
    return f"{Decimal(value).normalize():f}"


def _rate(value) -> str:
    return f"{Decimal(value).normalize():f}"


class _Builder:
    def __init__(self):
        self.root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    @staticmethod
    def add(parent, tag: str, text=None, **attrs):
        prefix, name = tag.split(":")
        el = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", **attrs)
        if text is not None:
            el.text = str(text)
        return el

    def date(self, parent, tag: str, day, qualified: bool = False):
        el = self.add(parent, tag)
        self.add(el, "qdt:DateTimeString" if qualified else "udt:DateTimeString",
                 day.strftime("%Y%m%d"), format="102")  # fmt: skip
        return el


def _address_parts(text: str) -> tuple[str, str, str]:
    """(street lines, postcode, city) of an address written on lines (the delivery address,
    typed as text)."""
    address = split_address(text)
    street = "\n".join(line for line in (address.line1, address.line2) if line)
    return street, address.postcode, address.city


def _buyer_address(document) -> tuple[str, str, str]:
    """(street lines, postcode, city) of the buyer, as frozen in its parts at issue."""
    if not hasattr(document, "customer_city"):  # a document built by hand (demo supplier)
        return _address_parts(document.customer_address)
    street = "\n".join(
        line for line in (document.customer_address_line1, document.customer_address_line2) if line
    )
    return street, document.customer_postcode, document.customer_city


def _postal(b: _Builder, parent, street: str, postcode: str, city: str, country: str):
    address = b.add(parent, "ram:PostalTradeAddress")
    if postcode:
        b.add(address, "ram:PostcodeCode", postcode)
    lines = [ln for ln in street.splitlines() if ln][:3]
    for tag, line in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), lines, strict=False):
        b.add(address, tag, line)
    if city:
        b.add(address, "ram:CityName", city)
    b.add(address, "ram:CountryID", country or "FR")


def _electronic_address(b: _Builder, parent, address: str) -> None:
    if address:
        scheme = "EM" if "@" in address else "0225"
        b.add(b.add(parent, "ram:URIUniversalCommunication"), "ram:URIID", address,
              schemeID=scheme)  # fmt: skip


def tax_category(document, rate: Decimal, category: str = "") -> tuple[str, tuple[str, str] | None]:
    """(VAT category code, exemption (VATEX code, text) or None) of a line at `rate` whose
    own VAT category (set by where the customer is: K, G, AE, O) is `category`."""
    regime = document.issuer.get("vat_regime", "")
    if document.vat_mention:  # the school charged no VAT at all
        return "E", EXEMPTIONS.get(regime) or ("VATEX-FR-CGI261-7", document.vat_mention)
    if category in VAT_ABROAD:
        return category, VAT_ABROAD[category]
    if Decimal(rate) == 0:
        return "E", EXEMPT_LINE
    return "S", None


def lines_of(document) -> list:
    return list(document.lines.all())


def breakdown(document, lines) -> list[tuple[str, Decimal, Decimal, Decimal, tuple | None]]:
    """[(category, rate, base, VAT, exemption)], one per category and rate: the frozen VAT
    per rate as issued; the bases of the categories the customer's place sets (K, G, AE,
    O) summed from the lines, the rest of the 0 % base exempt (E)."""
    result = []
    if document.vat_mention:
        code, exemption = tax_category(document, ZERO)
        return [(code, ZERO, document.total_excl_vat, ZERO, exemption)]
    abroad: dict[str, Decimal] = {}
    for line in lines:
        category = getattr(line, "vat_category", "")
        if category in VAT_ABROAD:
            abroad[category] = abroad.get(category, ZERO) + line.amount_excl_vat
    for rate, base, vat in document.by_rate:
        if Decimal(rate) == 0:
            base = Decimal(base) - sum(abroad.values(), ZERO)
            if not base and abroad:
                continue
        code, exemption = tax_category(document, rate)
        result.append((code, ZERO if code == "E" else rate, base, vat, exemption))
    for category in VAT_ABROAD:
        if category in abroad:
            result.append((category, ZERO, abroad[category], ZERO, VAT_ABROAD[category]))
    return result


def build_xml(document) -> bytes:
    """The CII XML (EN 16931) of an issued invoice or credit note, from its frozen data."""
    is_note = isinstance(document, CreditNote)
    if is_note:
        type_code = CREDIT_NOTE
    elif document.kind == Invoice.Kind.DEPOSIT:
        type_code = DEPOSIT
    else:
        type_code = INVOICE
    issuer = document.issuer
    lines = lines_of(document)
    categories = {getattr(line, "vat_category", "") for line in lines}
    b = _Builder()
    root = b.root

    context = b.add(root, "rsm:ExchangedDocumentContext")
    if document.operation_category:
        process = BUSINESS_PROCESS[document.operation_category]
        if type_code == INVOICE and any(ln.unit_price < 0 for ln in lines):
            process = process[0] + "4"  # a final invoice after deposits (B4, S4, M4)
        b.add(b.add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
              process)  # fmt: skip
    b.add(b.add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", PROFILE)

    header = b.add(root, "rsm:ExchangedDocument")
    b.add(header, "ram:ID", document.number)
    b.add(header, "ram:TypeCode", type_code)
    b.date(header, "ram:IssueDateTime", document.issue_date)
    for subject, text in notes(document):
        note = b.add(header, "ram:IncludedNote")
        b.add(note, "ram:Content", text)
        b.add(note, "ram:SubjectCode", subject)

    transaction = b.add(root, "rsm:SupplyChainTradeTransaction")
    for line in lines:
        item = b.add(transaction, "ram:IncludedSupplyChainTradeLineItem")
        b.add(b.add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.position)
        b.add(b.add(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
        # A net price is never negative (BR-27): a deduction is a negative quantity.
        price, quantity = line.unit_price, line.quantity
        if price < 0:
            price, quantity = -price, -quantity
        agreement = b.add(item, "ram:SpecifiedLineTradeAgreement")
        b.add(b.add(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount",
              _amount(price))  # fmt: skip
        b.add(b.add(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
              _quantity(quantity), unitCode=UNIT_CODES.get(line.unit, "C62"))  # fmt: skip
        settlement = b.add(item, "ram:SpecifiedLineTradeSettlement")
        code, _exemption = tax_category(document, line.vat_rate, getattr(line, "vat_category", ""))
        tax = b.add(settlement, "ram:ApplicableTradeTax")
        b.add(tax, "ram:TypeCode", "VAT")
        b.add(tax, "ram:CategoryCode", code)
        if code != VatCategory.OUTSIDE_SCOPE:  # BR-O-05: no rate outside the scope of VAT
            b.add(tax, "ram:RateApplicablePercent", _rate(line.vat_rate if code == "S" else ZERO))
        b.add(b.add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
              "ram:LineTotalAmount", _amount(line.amount_excl_vat))  # fmt: skip

    agreement = b.add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if document.buyer_reference:
        b.add(agreement, "ram:BuyerReference", document.buyer_reference)
    # BR-O-02: outside the scope of VAT, neither party's VAT number is in the XML.
    outside = VatCategory.OUTSIDE_SCOPE in categories
    _seller(b, agreement, document, vat_id=not outside)
    _buyer(b, agreement, document, vat_id=not outside)
    order_reference = getattr(document, "order_reference", "") or (
        document.invoice.order_reference if is_note else ""
    )
    if order_reference:
        b.add(b.add(agreement, "ram:SellerOrderReferencedDocument"), "ram:IssuerAssignedID",
              order_reference)  # fmt: skip
    if document.commitment_number:
        b.add(b.add(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID",
              document.commitment_number)  # fmt: skip

    delivery = b.add(transaction, "ram:ApplicableHeaderTradeDelivery")
    if document.delivery_address:
        ship_to = b.add(delivery, "ram:ShipToTradeParty")
        b.add(ship_to, "ram:Name", document.customer_name)
        street, postcode, city = _address_parts(document.delivery_address)
        _postal(b, ship_to, street, postcode, city, document.customer_country_code)
    elif VatCategory.INTRA_EU in categories:
        # BR-IC-12: an intra-EU supply names the country the goods go to (the buyer's).
        ship_to = b.add(delivery, "ram:ShipToTradeParty")
        b.add(ship_to, "ram:Name", document.customer_name)
        b.add(b.add(ship_to, "ram:PostalTradeAddress"), "ram:CountryID",
              document.customer_country_code)  # fmt: skip
    delivered = getattr(document, "delivery_date", None)
    if delivered:
        event = b.add(delivery, "ram:ActualDeliverySupplyChainEvent")
        b.date(event, "ram:OccurrenceDateTime", delivered)

    settlement = b.add(transaction, "ram:ApplicableHeaderTradeSettlement")
    b.add(settlement, "ram:PaymentReference", document.number)
    b.add(settlement, "ram:InvoiceCurrencyCode", "EUR")
    if issuer.get("iban") and not is_note:
        means = b.add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        b.add(means, "ram:TypeCode", "30")  # credit transfer
        b.add(b.add(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID",
              issuer["iban"].replace(" ", ""))  # fmt: skip
    for code, rate, base, vat, exemption in breakdown(document, lines):
        tax = b.add(settlement, "ram:ApplicableTradeTax")
        b.add(tax, "ram:CalculatedAmount", _amount(vat))
        b.add(tax, "ram:TypeCode", "VAT")
        if exemption:
            b.add(tax, "ram:ExemptionReason", exemption[1])
        b.add(tax, "ram:BasisAmount", _amount(base))
        b.add(tax, "ram:CategoryCode", code)
        if exemption:
            b.add(tax, "ram:ExemptionReasonCode", exemption[0])
        if document.vat_on_debits and code == "S":
            b.add(tax, "ram:DueDateTypeCode", "5")  # VAT due on the invoice's date
        if code != VatCategory.OUTSIDE_SCOPE:  # BR-48: every category but O has a rate
            b.add(tax, "ram:RateApplicablePercent", _rate(rate))
    if VatCategory.INTRA_EU in categories and not delivered:
        # BR-IC-11: an intra-EU supply says when: a deposit, before delivery, its own date.
        period = b.add(settlement, "ram:BillingSpecifiedPeriod")
        b.date(period, "ram:StartDateTime", document.issue_date)
        b.date(period, "ram:EndDateTime", document.issue_date)
    terms = b.add(settlement, "ram:SpecifiedTradePaymentTerms")
    if is_note:
        b.add(terms, "ram:Description",
              f"Avoir sur la facture {document.invoice.number}, imputé sur son solde.")  # fmt: skip
    else:
        b.date(terms, "ram:DueDateDateTime", document.due_date)
    totals = b.add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    b.add(totals, "ram:LineTotalAmount",
          _amount(sum((ln.amount_excl_vat for ln in lines), ZERO)))  # fmt: skip
    b.add(totals, "ram:TaxBasisTotalAmount", _amount(document.total_excl_vat))
    b.add(totals, "ram:TaxTotalAmount", _amount(document.total_vat), currencyID="EUR")
    b.add(totals, "ram:GrandTotalAmount", _amount(document.total_incl_vat))
    b.add(totals, "ram:DuePayableAmount", _amount(document.total_incl_vat))
    if is_note:
        ref = b.add(settlement, "ram:InvoiceReferencedDocument")
        b.add(ref, "ram:IssuerAssignedID", document.invoice.number)  # BT-25
        b.date(ref, "ram:FormattedIssueDateTime", document.invoice.issue_date, qualified=True)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def notes(document) -> list[tuple[str, str]]:
    """The invoice's notes (BG-1) with the subject codes French platforms expect: the
    operation category and the VAT-on-debits option (the reform's mentions), then the
    late-payment terms of a business customer."""
    result = []
    if document.operation_category:
        result.append(
            ("AAI", f"Catégorie de l'opération : {CATEGORY_TEXT[document.operation_category]}")
        )
    if document.vat_on_debits:
        result.append(("TXD", DEBITS_TEXT))
    if document.vat_mention:
        result.append(("TXD", document.vat_mention))
    discount = getattr(document, "early_payment_discount", "")
    if discount:
        result.append(("AAB", discount))
    rate = getattr(document, "late_penalty_rate", None)
    if rate is not None and document.customer_kind == Customer.Kind.COMPANY:
        result.append(
            ("PMD", f"Pénalités de retard au taux annuel de {_rate(rate).replace('.', ',')} %.")
        )
        result.append(("PMT", "Indemnité forfaitaire pour frais de recouvrement : 40 €."))
    return result


def _seller(b: _Builder, agreement, document, vat_id: bool = True) -> None:
    issuer = document.issuer
    seller = b.add(agreement, "ram:SellerTradeParty")
    b.add(seller, "ram:Name", issuer.get("name", ""))
    siret = issuer.get("siret", "")
    if siret:
        org = b.add(seller, "ram:SpecifiedLegalOrganization")
        b.add(org, "ram:ID", siret[:9], schemeID="0002")  # SIREN
    _postal(b, seller, issuer.get("address", ""), issuer.get("postal_code", ""),
            issuer.get("city", ""), "FR")  # fmt: skip
    _electronic_address(b, seller, issuer.get("electronic_address", ""))
    if issuer.get("vat_number") and vat_id:
        b.add(b.add(seller, "ram:SpecifiedTaxRegistration"), "ram:ID", issuer["vat_number"],
              schemeID="VA")  # fmt: skip
    elif siret:
        # No VAT number (franchise, exemption): the tax registration is the SIREN (BT-32).
        b.add(b.add(seller, "ram:SpecifiedTaxRegistration"), "ram:ID", siret[:9],
              schemeID="FC")  # fmt: skip


def _buyer(b: _Builder, agreement, document, vat_id: bool = True) -> None:
    buyer = b.add(agreement, "ram:BuyerTradeParty")
    b.add(buyer, "ram:Name", document.customer_name)
    if document.customer_tax_status == Customer.TaxStatus.PUBLIC and document.customer_siret:
        org = b.add(buyer, "ram:SpecifiedLegalOrganization")
        b.add(org, "ram:ID", document.customer_siret, schemeID="0009")  # SIRET, Chorus Pro
    elif document.customer_siren:
        org = b.add(buyer, "ram:SpecifiedLegalOrganization")
        b.add(org, "ram:ID", document.customer_siren, schemeID="0002")  # SIREN
    street, postcode, city = _buyer_address(document)
    _postal(b, buyer, street, postcode, city, document.customer_country_code)
    _electronic_address(b, buyer, document.customer_electronic_address)
    if document.customer_vat_number and vat_id:
        b.add(b.add(buyer, "ram:SpecifiedTaxRegistration"), "ram:ID",
              document.customer_vat_number, schemeID="VA")  # fmt: skip


# --- checks ------------------------------------------------------------------------------


def xsd_errors(xml: bytes) -> list[str]:
    """The Factur-X EN 16931 XSD's complaints about `xml` (none when it is valid)."""
    try:
        xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as exc:  # the library raises one error with lxml's message
        return [str(exc)]
    return []


@cache
def _schematron():
    """The compiled EN 16931 Schematron (XSLT 2), once per process: compiling costs."""
    processor = PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(SCHEMATRON)
    )
    return processor, executable


SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


def broken_rules(xml: bytes) -> list[str]:
    """The EN 16931 business rules `xml` breaks (fatal ones), as '[BR-xx] text' lines."""
    processor, executable = _schematron()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = executable.transform_to_string(xdm_node=node)
    tree = etree.fromstring(report.encode("utf-8"))
    return [
        " ".join(el.findtext("svrl:text", namespaces=SVRL).split())
        for el in tree.iterfind(".//svrl:failed-assert", namespaces=SVRL)
        if el.get("flag", "fatal") == "fatal"
    ]


def problems(xml: bytes) -> list[str]:
    """Every reason a platform would refuse `xml`: the XSD's, then the business rules'."""
    return xsd_errors(xml) or broken_rules(xml)


# --- the PDF/A-3 -------------------------------------------------------------------------


def embed(pdf: bytes, xml: bytes, document) -> bytes:
    """The Factur-X PDF/A-3: `pdf` (rendered as PDF/A-3b) with `xml` as factur-x.xml and
    the Factur-X XMP metadata; refused if the XML fails the profile's XSD."""
    school = document.issuer.get("name", "")
    return generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": school,
            "keywords": "Factur-X, Facture",
            "title": f"{school} : {document.number}",
            "subject": f"Factur-X {document.number} du {document.issue_date:%d/%m/%Y}",
        },
        lang="fr-FR",
    )
