"""The Fichier des Écritures Comptables of a fiscal year (LPF art. L47 A and A47 A-1;
BOI-CF-IOR-60-40-20; SPEC.md R11): every flow the software records, in one file named
SirenFECAAAAMMJJ.txt, with the description A47 A-1 II requires served beside it.

The fiscal year is the budget year (budget.BudgetYear). The file holds:

- billing's entries (billing.journal): the opening entries it can know (what customers
  owed on the first day), sales (invoices, credit notes), purchases (supplier invoices
  received through the platform), bank and cash (payments, cancellations, refunds);
- the budget's ledgers, each an entry of the bank or cash journal (by the method of
  payment), the money at debit and the resource at credit: donations received in cash
  (754100 for individuals' gifts, 754300 for companies' patronage), grant instalments
  received (740000), apprenticeship tax transferred (748100), families' payments (706300).

What the software cannot know (salaries, the other expenses and their payments, the
supplier payments, fixed assets, the opening balance of the bank and of equity, the
valuation of gifts in kind) is said in the description.
"""

from __future__ import annotations

import datetime as dt

from billing import journal
from billing.journal import Entry
from billing.models import ChartOfAccounts
from budget.models import BudgetYear, Donation, Donor, FamilyPayment, Instalment, Transfer
from ecoles.models import School

LABELS = {
    "donations": "Dons manuels",
    "patronage": "Mécénat",
    "grants": "Subventions d'exploitation",
    "apprenticeship_tax": "Taxe d'apprentissage",
    "families": "Contributions des familles",
}


def _receipt(chart, method, day, piece, label, account, account_label, value, order) -> Entry:
    """Money received: the bank (or the cash box) at debit, the resource at credit."""
    code, code_label, money_account = chart.receipts(method)
    entry = Entry(code, code_label, day, piece, day, label, order=order)
    what = journal.LABELS["cash"] if money_account == chart.cash_account else journal.LABELS["bank"]
    entry.add(money_account, what, value)
    entry.add(account, account_label, -value)
    return entry


def budget_entries(start: dt.date, end: dt.date, chart: ChartOfAccounts) -> list[Entry]:
    """The budget's ledgers of the period as entries (four queries)."""
    found = []
    donations = Donation.objects.filter(
        received_on__range=(start, end), nature=Donation.Nature.CASH
    ).select_related("donor")
    for d in donations:
        company = d.donor.kind == Donor.Kind.COMPANY
        account, label = (
            (chart.patronage_account, LABELS["patronage"])
            if company
            else (chart.donations_account, LABELS["donations"])
        )
        found.append(
            _receipt(
                chart, d.method, d.received_on, f"DON{d.pk:06d}", f"Don {d.donor.name}",
                account, label, d.amount, (float("inf"), 3, d.pk),
            )
        )  # fmt: skip
    instalments = Instalment.objects.filter(received_on__range=(start, end)).select_related("grant")
    for i in instalments:
        found.append(
            _receipt(
                chart, "transfer", i.received_on, f"SUB{i.pk:06d}",
                f"Subvention {i.grant.funder} {i.grant.programme}", chart.grants_account,
                LABELS["grants"], i.received_amount, (float("inf"), 4, i.pk),
            )
        )  # fmt: skip
    for t in Transfer.objects.filter(date__range=(start, end)):
        found.append(
            _receipt(
                chart, "transfer", t.date, t.reference, f"Taxe d'apprentissage {t.reference}",
                chart.apprenticeship_tax_account, LABELS["apprenticeship_tax"], t.amount,
                (float("inf"), 5, t.pk),
            )
        )  # fmt: skip
    payments = FamilyPayment.objects.filter(date__range=(start, end)).select_related(
        "contribution__student"
    )
    for p in payments:
        student = p.contribution.student
        found.append(
            _receipt(
                chart, p.method, p.date, f"FAM{p.pk:06d}",
                f"Contribution famille {student.last_name} {student.first_name}",
                chart.families_account, LABELS["families"], p.amount, (float("inf"), 6, p.pk),
            )
        )  # fmt: skip
    return found


def year_entries(year: BudgetYear) -> list[Entry]:
    """Every entry of the fiscal year, numbered, ordered and lettered."""
    chart = ChartOfAccounts.load()
    found = journal.opening_entries(year.start, chart)
    found += journal.entries(year.start, year.end, chart)
    found += budget_entries(year.start, year.end, chart)
    return journal.finish(found)


def render(year: BudgetYear) -> bytes:
    return journal.write(year_entries(year))


def siren() -> str:
    return School.load().siret[:9]


def filename(year: BudgetYear) -> str:
    return journal.fec_filename(siren(), year.end)


def notice_filename(year: BudgetYear) -> str:
    return filename(year).removesuffix(".txt") + "-description.txt"


FIELDS = [
    ("JournalCode", "code du journal"),
    ("JournalLib", "libellé du journal"),
    ("EcritureNum", "numéro de l'écriture : code du journal suivi d'un numéro sur six "
                    "chiffres, continu et chronologique dans chaque journal"),
    ("EcritureDate", "date de comptabilisation de l'écriture (AAAAMMJJ)"),
    ("CompteNum", "numéro de compte"),
    ("CompteLib", "libellé du compte"),
    ("CompAuxNum", "compte auxiliaire du client (préfixe client) ou du fournisseur "
                   "(préfixe fournisseur suivi de son SIREN)"),
    ("CompAuxLib", "nom du client ou du fournisseur"),
    ("PieceRef", "référence de la pièce : numéro de facture, d'avoir, de facture "
                 "fournisseur, référence du règlement ou du virement, DONn, SUBn, FAMn "
                 "pour un don, un versement de subvention, un paiement de famille"),
    ("PieceDate", "date de la pièce (AAAAMMJJ)"),
    ("EcritureLib", "libellé de l'écriture"),
    ("Debit", "montant au débit, virgule décimale"),
    ("Credit", "montant au crédit, virgule décimale"),
    ("EcritureLet", "lettrage des comptes clients : une facture, ses avoirs, règlements "
                    "et remboursements soldés portent la même lettre"),
    ("DateLet", "date du lettrage (AAAAMMJJ)"),
    ("ValidDate", "date de validation de l'écriture (AAAAMMJJ)"),
    ("Montantdevise", "vide : toutes les écritures sont en euros"),
    ("Idevise", "vide : toutes les écritures sont en euros"),
]  # fmt: skip


def notice(year: BudgetYear) -> str:
    """The description A47 A-1 II requires: each field, the codes, the technical
    information, and what this file cannot hold. In French, as the file."""
    chart = ChartOfAccounts.load()
    journals = [
        (chart.opening_journal_code, chart.opening_journal_label),
        (chart.sales_journal_code, chart.sales_journal_label),
        (chart.purchases_journal_code, chart.purchases_journal_label),
        (chart.bank_journal_code, chart.bank_journal_label),
        (chart.cash_journal_code, chart.cash_journal_label),
        (chart.misc_journal_code, chart.misc_journal_label),  # a customer's credit moved
    ]
    accounts = [
        (chart.goods_account, journal.LABELS["goods"]),
        (chart.sales_account, journal.LABELS["services"]),
        (chart.deposits_account, journal.LABELS["deposits"]),
        (chart.customers_account, journal.LABELS["customers"]),
        (f"{chart.vat_account_20}, {chart.vat_account_10}, {chart.vat_account_5_5}, "
         f"{chart.vat_account_2_1}", journal.LABELS["vat"]),
        (chart.bank_account, journal.LABELS["bank"]),
        (chart.cash_account, journal.LABELS["cash"]),
        (chart.purchases_account, journal.LABELS["purchases"]),
        (chart.deductible_vat_account, journal.LABELS["deductible_vat"]),
        (chart.suppliers_account, journal.LABELS["suppliers"]),
        (chart.donations_account, LABELS["donations"]),
        (chart.patronage_account, LABELS["patronage"]),
        (chart.grants_account, LABELS["grants"]),
        (chart.apprenticeship_tax_account, LABELS["apprenticeship_tax"]),
        (chart.families_account, LABELS["families"]),
        (chart.opening_account, journal.LABELS["opening"]),
    ]  # fmt: skip
    out = [
        f"Description du fichier des écritures comptables {filename(year)}",
        f"Exercice du {year.start:%d/%m/%Y} au {year.end:%d/%m/%Y} "
        "(article A47 A-1 du livre des procédures fiscales, II).",
        "",
        "1. Informations techniques",
        "Fichier à plat, à organisation séquentielle et structure zonée, monostructure, "
        "enregistrements de longueur variable.",
        "Jeu de caractères : ISO 8859-15. Les caractères hors de ce jeu sont translittérés "
        "(guillemets et tirets typographiques par leur forme simple, lettres accentuées "
        "absentes par la lettre sans accent).",
        "Séparateur de zone : tabulation. Séparateur d'enregistrement : retour chariot et "
        "fin de ligne (CR LF). La première ligne porte le nom des zones.",
        "Dates au format AAAAMMJJ ; montants en base décimale avec une virgule, sans "
        "séparateur de milliers, toujours positifs, au débit ou au crédit.",
        "Les écritures sont classées par ordre chronologique de validation.",
        "",
        "2. Zones",
    ]
    out += [f"{name} : {meaning}" for name, meaning in FIELDS]
    out += ["", "3. Codes des journaux"]
    out += [f"{code} : {label}" for code, label in journals]
    out += ["", "4. Comptes utilisés"]
    out += [f"{number} : {label}" for number, label in accounts]
    out += [
        "",
        "5. Contenu",
        "Ce fichier reprend toutes les opérations que le logiciel de l'école enregistre : "
        "factures et avoirs de vente (produits finis au 701, prestations de services au "
        "706 selon la nature de chaque ligne), factures fournisseurs reçues par la "
        "plateforme, règlements, annulations et remboursements clients, dons reçus en "
        "numéraire, versements de subventions, taxe d'apprentissage reçue, paiements des "
        "familles, et les à-nouveaux des créances clients ouvertes au premier jour de "
        "l'exercice (contrepartie : compte de bilan d'ouverture).",
        "",
        "6. Ce que le logiciel ne connaît pas et que ce fichier ne contient pas",
        "- les salaires et charges sociales, les autres charges et leurs paiements ;",
        "- les règlements des fournisseurs ; les factures fournisseurs reçues hors de la "
        "plateforme ; la ventilation des achats par nature (tous au compte d'achats) ;",
        "- les immobilisations, amortissements, provisions, stocks et écritures d'inventaire ;",
        "- les soldes d'ouverture de la banque, de la caisse, des fonds propres et des "
        "autres comptes de bilan (seules les créances clients sont reprises) ; les "
        "acomptes clients non encore déduits au premier jour de l'exercice ;",
        "- les dons en nature, dont la valorisation relève du comptable ; les subventions "
        "et contributions des familles dues mais non encore reçues (seul l'encaissement "
        "est enregistré).",
        "Ces écritures sont à passer dans la comptabilité tenue par le comptable ; le FEC "
        "complet de l'exercice est celui de cette comptabilité.",
    ]
    return "\r\n".join(out) + "\r\n"


def notice_bytes(year: BudgetYear) -> bytes:
    return journal.latin9(notice(year)).encode(journal.ENCODING)
