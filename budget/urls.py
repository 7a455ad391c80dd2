from django.urls import path

from budget import ledger_views as ledgers
from budget import views

app_name = "budget"
urlpatterns = [
    path("", views.budget_page, name="overview"),
    path("rapport.pdf", views.budget_pdf, name="pdf"),
    path("lignes.csv", views.budget_lines_csv, name="lines_csv"),
    path("mensuel.csv", views.budget_monthly_csv, name="monthly_csv"),
    path("matieres.csv", views.budget_materials_csv, name="materials_csv"),
    path("exercice/nouveau/", views.budget_year_add, name="year_add"),
    # The FEC of each fiscal year and its description (LPF art. A47 A-1)
    path("fec/", views.fec_page, name="fec"),
    path("fec/<int:pk>/export/", views.fec_file, name="fec_file"),
    path("fec/<int:pk>/export-description/", views.fec_notice, name="fec_notice"),
    path("<int:year>/lignes/nouvelle/", views.budget_line_edit, name="line_add"),
    path("<int:year>/lignes/<int:pk>/", views.budget_line_edit, name="line_edit"),
    # Donors, donations and tax receipts
    path("dons/", ledgers.donor_list, name="donors"),
    path("dons/donateurs/nouveau/", ledgers.donor_edit, name="donor_add"),
    path("dons/donateurs/<int:pk>/", ledgers.donor_detail, name="donor_detail"),
    path("dons/donateurs/<int:pk>/modifier/", ledgers.donor_edit, name="donor_edit"),
    path("dons/donateurs/<int:donor>/don/", ledgers.donation_edit, name="donation_add"),
    path(
        "dons/donateurs/<int:pk>/recapitulatif/",
        ledgers.annual_receipt_issue,
        name="annual_receipt",
    ),
    path("dons/<int:pk>/modifier/", ledgers.donation_edit, name="donation_edit"),
    path("dons/<int:pk>/recu/", ledgers.receipt_issue, name="receipt_issue"),
    path("recus/", ledgers.receipt_list, name="receipts"),
    path("recus/etat/", ledgers.receipt_statement, name="receipt_statement"),
    path("recus/<int:pk>/", ledgers.receipt_detail, name="receipt_detail"),
    path("recus/<int:pk>/pdf/", ledgers.receipt_pdf, name="receipt_pdf"),
    path("recus/<int:pk>/annuler/", ledgers.receipt_cancel, name="receipt_cancel"),
    path("recus/<int:pk>/envoyer/", ledgers.receipt_send, name="receipt_send"),
    # The apprenticeship tax
    path("taxe-apprentissage/", ledgers.campaign, name="campaign"),
    path("taxe-apprentissage/ouvrir/", ledgers.campaign_open, name="campaign_open"),
    path(
        "taxe-apprentissage/<int:year>/entreprises/nouvelle/",
        ledgers.pledge_edit,
        name="pledge_add",
    ),
    path("taxe-apprentissage/entreprises/<int:pk>/", ledgers.pledge_edit, name="pledge_edit"),
    path(
        "taxe-apprentissage/entreprises/<int:pk>/remerciement.pdf",
        ledgers.thank_you_pdf,
        name="thank_you",
    ),
    path(
        "taxe-apprentissage/<int:year>/versements/nouveau/",
        ledgers.transfer_edit,
        name="transfer_add",
    ),
    path("taxe-apprentissage/versements/<int:pk>/", ledgers.transfer_edit, name="transfer_edit"),
    # Grants
    path("subventions/", ledgers.grant_list, name="grants"),
    path("subventions/nouvelle/", ledgers.grant_edit, name="grant_add"),
    path("subventions/<int:pk>/", ledgers.grant_detail, name="grant_detail"),
    path("subventions/<int:pk>/modifier/", ledgers.grant_edit, name="grant_edit"),
    path(
        "subventions/<int:grant>/versements/nouveau/",
        ledgers.instalment_edit,
        name="instalment_add",
    ),
    path("subventions/versements/<int:pk>/", ledgers.instalment_edit, name="instalment_edit"),
    # Families' contributions
    path("familles/", ledgers.families, name="families"),
    path("familles/<int:year>/appel/", ledgers.families_call, name="families_call"),
    path("familles/<int:pk>/", ledgers.contribution_edit, name="contribution_edit"),
    path("familles/<int:pk>/paiement/", ledgers.family_payment_add, name="family_payment"),
]
