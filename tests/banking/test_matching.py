"""What a line pays, and why (banking.matching, pure: no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from banking.matching import Candidate, LineFacts, normalise, suggest

D = Decimal
DAY = dt.date(2026, 11, 20)


def invoice(pk, number, due, customer="Menuiserie Dupont", ibans=(), day=5):
    return Candidate(
        kind="invoice", pk=pk, label=number, open_amount=D(due), references=(number,),
        party=customer, party_key=f"customer:{customer}", ibans=frozenset(ibans),
        date=dt.date(2026, 11, day),
    )  # fmt: skip


def line(amount, text="", name="", iban=""):
    return LineFacts(D(amount), text, name, iban, DAY)


def keys(suggestions):
    return [[(t.kind, t.pk, t.amount) for t in s.targets] for s in suggestions]


def test_the_invoice_number_in_the_label_pays_it_and_says_so():
    pool = [invoice(1, "FA-2026-0012", "120.00"), invoice(2, "FA-2026-0013", "120.00")]
    best = suggest(line("120.00", "VIR SEPA FA-2026-0012 MERCI"), pool)[0]
    assert keys([best]) == [[("invoice", 1, D("120.00"))]]
    assert "« FA-2026-0012 » dans le libellé" in best.reasons
    assert "montant exact" in best.reasons


def test_the_number_is_found_as_banks_rewrite_it_but_not_inside_a_longer_one():
    pool = [invoice(1, "FA-2026-0012", "80.00")]
    for text in ["FA 2026 0012", "fa20260012", "REF:FA/2026/0012."]:
        assert keys(suggest(line("80.00", text), pool)[:1]) == [[("invoice", 1, D("80.00"))]]
    found = suggest(line("80.00", "FA-2026-00123"), pool)
    assert all("dans le libellé" not in r for s in found for r in s.reasons)


def test_two_invoices_paid_by_one_transfer():
    pool = [invoice(1, "FA-2026-0012", "100.00"), invoice(2, "FA-2026-0014", "50.00", day=6)]
    best = suggest(line("150.00", "FACTURES FA-2026-0012 ET FA-2026-0014"), pool)[0]
    assert keys([best]) == [[("invoice", 1, D("100.00")), ("invoice", 2, D("50.00"))]]
    assert "montant exact" in best.reasons


def test_part_of_an_invoice_then_the_rest():
    pool = [invoice(1, "FA-2026-0012", "300.00")]
    best = suggest(line("100.00", "ACOMPTE FA-2026-0012"), pool)[0]
    assert keys([best]) == [[("invoice", 1, D("100.00"))]]
    assert any(r.startswith("paiement partiel") for r in best.reasons)
    rest = [invoice(1, "FA-2026-0012", "200.00")]
    assert "montant exact" in suggest(line("200.00", "SOLDE FA-2026-0012"), rest)[0].reasons


def test_more_than_what_the_numbered_invoices_owe_is_not_suggested_as_paying_them():
    pool = [invoice(1, "FA-2026-0012", "100.00")]
    assert suggest(line("130.00", "FA-2026-0012"), pool) == []


def test_a_known_iban_finds_the_customer_and_its_invoice_of_that_amount():
    iban = "FR7610107001011234567890129"
    pool = [invoice(1, "FA-2026-0012", "90.00", ibans=[iban]), invoice(2, "FA-2026-0020", "75.00")]
    best = suggest(line("90.00", "VIREMENT", "M DUPONT", iban), pool)[0]
    assert keys([best]) == [[("invoice", 1, D("90.00"))]]
    assert "IBAN connu de Menuiserie Dupont" in best.reasons


def test_a_customers_name_and_two_of_its_invoices_summing_to_the_transfer():
    pool = [
        invoice(1, "FA-2026-0012", "90.00", customer="Garage Martin SAS"),
        invoice(2, "FA-2026-0015", "60.00", customer="Garage Martin SAS"),
        invoice(3, "FA-2026-0016", "45.00", customer="Garage Martin SAS"),
        invoice(4, "FA-2026-0017", "150.00", customer="Autre client"),
    ]
    found = suggest(line("150.00", "VIR RECU", "GARAGE MARTIN"), pool)
    assert keys(found[:1]) == [[("invoice", 1, D("90.00")), ("invoice", 2, D("60.00"))]]
    assert "nom Garage Martin SAS" in found[0].reasons
    # The other customer's invoice of that amount is offered too, below.
    assert [("invoice", 4, D("150.00"))] in keys(found)


def test_the_exact_amount_alone_is_a_weak_suggestion():
    pool = [invoice(1, "FA-2026-0012", "42.00")]
    (only,) = suggest(line("42.00", "VIREMENT DIVERS", "X"), pool)
    assert only.reasons == ("montant exact",)
    assert only.score < suggest(line("42.00", "FA-2026-0012"), pool)[0].score


def test_an_invoice_issued_after_the_transfer_is_not_what_it_paid():
    pool = [invoice(1, "FA-2026-0012", "42.00", day=25)]
    assert suggest(line("42.00", "FA-2026-0012"), pool) == []


def test_nothing_is_suggested_for_an_unknown_credit():
    pool = [invoice(1, "FA-2026-0012", "42.00")]
    assert suggest(line("17.30", "REMISE CHEQUES", "LA POSTE"), pool) == []


def test_a_donor_known_by_name_gives_a_new_gift_of_any_amount():
    donor = Candidate(kind="gift", pk=7, label="New gift", open_amount=None, party="Élise Fabre",
                      party_key="donor:7")  # fmt: skip
    (best,) = suggest(line("50.00", "DON ECOLE", "MME ELISE FABRE"), [donor])
    assert keys([best]) == [[("gift", 7, D("50.00"))]]
    assert best.reasons == ("nom Élise Fabre",)


def test_apprenticeship_tax_is_known_by_its_words():
    tax = Candidate(kind="tax", pk=0, label="Tax", open_amount=None,
                    keywords=(" TAXE D APPRENTISSAGE ", " SOLTEA "))  # fmt: skip
    (best,) = suggest(line("1500.00", "SOLTEA SOLDE TAXE D'APPRENTISSAGE", "CDC"), [tax])
    assert keys([best]) == [[("tax", 0, D("1500.00"))]]
    assert suggest(line("1500.00", "VIREMENT", "CDC"), [tax]) == []


def test_a_family_pays_its_contribution_in_parts():
    family = Candidate(kind="family", pk=3, label="Famille Morel", open_amount=D("300.00"),
                       party="Morel", party_key="student:3")  # fmt: skip
    (best,) = suggest(line("100.00", "CONTRIBUTION", "M OU MME MOREL"), [family])
    assert keys([best]) == [[("family", 3, D("100.00"))]]


def test_an_instalment_is_not_paid_in_part():
    instalment = Candidate(kind="instalment", pk=4, label="Région", open_amount=D("5000.00"),
                           party="Région Auvergne-Rhône-Alpes", party_key="grant:1",
                           partial=False)  # fmt: skip
    found = suggest(line("5000.00", "SUBVENTION", "REGION AUVERGNE RHONE ALPES"), [instalment])
    assert keys(found) == [[("instalment", 4, D("5000.00"))]]
    assert suggest(line("2000.00", "SUBVENTION", "REGION AUVERGNE RHONE ALPES"), [instalment]) == []


def test_debits_match_refunds_and_supplier_invoices_never_credits():
    refund = Candidate(kind="refund", pk=9, label="Refund", open_amount=D("60.00"),
                       references=("E2E-REF-9",), party="Dupont", direction=-1,
                       partial=False)  # fmt: skip
    supplier = Candidate(kind="supplier", pk=5, label="F-881", open_amount=D("35.90"),
                         references=("F-881",), party="Quincaillerie", direction=-1)  # fmt: skip
    pool = [refund, supplier, invoice(1, "FA-2026-0012", "60.00")]
    assert keys(suggest(line("-60.00", "E2E-REF-9"), pool)[:1]) == [[("refund", 9, D("60.00"))]]
    assert keys(suggest(line("-35.90", "PRLV F-881"), pool)[:1]) == [[("supplier", 5, D("35.90"))]]
    assert all(t.kind == "invoice" for s in suggest(line("60.00", "X"), pool) for t in s.targets)


def test_normalise_drops_accents_and_punctuation():
    assert normalise("  Élise  d'Arçy-Fabre ") == "ELISE D ARCY FABRE"
