"""The director's staff pages (accounts.staff_views), under /comptes/personnel/."""

from django.urls import path

from accounts import staff_views as views

app_name = "staff"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("inviter/", views.staff_add, name="add"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/inviter-a-nouveau/", views.staff_invite_again, name="invite_again"),
    path("<int:pk>/suspendre/", views.staff_suspend, name="suspend"),
    path("<int:pk>/retablir/", views.staff_restore, name="restore"),
    path("<int:pk>/retirer/", views.staff_withdraw, name="withdraw"),
]
