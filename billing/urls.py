from django.urls import path

from billing import account_views as money
from billing import einvoicing_views, views

# Under /commandes/ as before: the addresses people bookmarked stay.
app_name = "billing"

urlpatterns = [
    path("<int:pk>/facturer/", views.invoice_issue, name="invoice_issue"),
    path("clients/", views.customer_list, name="customers"),
    path("clients/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("factures/", views.invoice_list, name="invoices"),
    path("factures/export/", views.invoice_export, name="invoice_export"),
    path("factures/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("factures/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("factures/<int:pk>/paiement/", views.payment_add, name="payment_add"),
    path("factures/<int:pk>/avoir/", views.credit_note_add, name="credit_note_add"),
    path("paiements/<int:pk>/annuler/", views.payment_reverse, name="payment_reverse"),
    path("avoirs/<int:pk>/pdf/", views.credit_note_pdf, name="credit_note_pdf"),
    # R11: reminders, mails, statements, refunds, the accountant's books.
    path("relances/", money.reminder_list, name="reminders"),
    path("relances/<int:pk>/pdf/", money.reminder_pdf, name="reminder_pdf"),
    path("courriers/", money.letters, name="letters"),
    path("courriers/pdf/", money.letters_pdf, name="letters_pdf"),
    path("courriers/releves/pdf/", money.statements_pdf, name="statements_pdf"),
    path("courriers/releves/postes/", money.statements_posted, name="statements_posted"),
    path("envois/lot/<uuid:batch>/", money.send_batch, name="send_batch"),
    path("envois/<int:pk>/renvoyer/", money.send_retry, name="send_retry"),
    path("factures/<int:pk>/envoyer/", money.invoice_send, name="invoice_send"),
    path("avoirs/<int:pk>/envoyer/", money.credit_note_send, name="credit_note_send"),
    path("<int:pk>/devis/envoyer/", money.quote_send, name="quote_send"),
    path("clients/<int:pk>/releve/", money.statement_page, name="statement"),
    path("clients/<int:pk>/releve/pdf/", money.statement_pdf, name="statement_pdf"),
    path("clients/<int:pk>/releve/envoyer/", money.statement_send, name="statement_send"),
    path("factures/<int:pk>/remboursement/", money.refund_add, name="refund_add"),
    path("factures/<int:pk>/avoir-client/", money.credit_use, name="credit_use"),
    path("paiements/export/", money.payment_export, name="payment_export"),
    path("journal/", money.journal_page, name="journal"),
    path("journal/export-fec/", money.journal_fec, name="journal_fec"),
    path("plan-comptable/", money.chart_edit, name="chart"),
    # E-invoicing (issue #20): supplier invoices from the platform, its statuses, e-reporting.
    path("fournisseurs/", einvoicing_views.supplier_invoices, name="supplier_invoices"),
    path("fournisseurs/<int:pk>/", einvoicing_views.supplier_invoice, name="supplier_invoice"),
    path(
        "fournisseurs/<int:pk>/pdf/",
        einvoicing_views.supplier_invoice_pdf,
        name="supplier_invoice_pdf",
    ),
    path("plateforme/relever/", einvoicing_views.platform_sync, name="platform_sync"),
    path("e-reporting/", einvoicing_views.ereporting_page, name="ereporting"),
]
