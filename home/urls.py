from django.urls import path

from home import views

# One page, reversed as "home" by every app (LOGIN_REDIRECT_URL too): no namespace.
urlpatterns = [path("", views.home, name="home")]
