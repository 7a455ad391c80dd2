from django.urls import path

from banking import views

app_name = "banking"
urlpatterns = [
    path("", views.index, name="index"),
    path("releves/<int:pk>/", views.statement, name="statement"),
    # The demo's sample statements (banking.demo), in each format.
    path("demo/releve.camt053.xml", views.demo_file, {"fmt": "camt053"}, name="demo_camt053"),
    path("demo/releve.ofx", views.demo_file, {"fmt": "ofx"}, name="demo_ofx"),
    path("demo/releve.csv", views.demo_file, {"fmt": "csv"}, name="demo_csv"),
    path("a-rapprocher/", views.unmatched, name="unmatched"),
    path("lignes/<int:pk>/confirmer/", views.line_confirm, name="line_confirm"),
    path("lignes/<int:pk>/facture/", views.line_match, name="line_match"),
    path("lignes/<int:pk>/expliquer/", views.line_explain, name="line_explain"),
    path("lignes/<int:pk>/rouvrir/", views.line_reopen, name="line_reopen"),
    path("comptes/", views.accounts, name="accounts"),
    path("comptes/nouveau/", views.account_edit, name="account_add"),
    path("comptes/<int:pk>/", views.account_edit, name="account_edit"),
    path("comptes/<int:account>/csv/nouveau/", views.mapping_edit, name="mapping_add"),
    path("csv/<int:pk>/", views.mapping_edit, name="mapping_edit"),
    # Refunds as a SEPA credit transfer file (pain.001.001.03)
    path("virements/", views.transfers, name="transfers"),
    path("virements/<int:pk>/", views.batch, name="batch"),
    path("virements/<int:pk>/pain001.xml", views.batch_xml, name="batch_xml"),
    path("virements/<int:pk>/envoye/", views.batch_sent, name="batch_sent"),
]
