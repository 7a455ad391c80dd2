from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("nouvelle/", views.order_edit, name="add"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/modifier/", views.order_edit, name="edit"),
    path("<int:pk>/lignes/", views.order_lines, name="lines"),
    path("<int:pk>/action/<slug:action>/", views.order_action, name="action"),
    path("<int:pk>/livraison/", views.order_deliver, name="deliver"),
    path("<int:pk>/verdict/", views.order_verdict, name="verdict"),
    path("<int:pk>/materiel/", views.material_add, name="material_add"),
    path("<int:pk>/pieces/", views.attachment_add, name="attachment_add"),
    path("pieces/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/devis/pdf/", views.quote_pdf, name="quote_pdf"),
    path("<int:pk>/bon-de-livraison/pdf/", views.delivery_note_pdf, name="delivery_note_pdf"),
    path("clients/nouveau/", views.customer_edit, name="customer_add"),
    path("clients/choix/", views.customer_choices, name="customer_choices"),
    path("clients/<int:pk>/modifier/", views.customer_edit, name="customer_edit"),
]
