"""R14: a family or pupil account never reaches a staff page nor the admin (404, as for
someone else's object: the page's existence is not confirmed), whatever decorator the
staff view has or lacks. Its home is its space."""

from __future__ import annotations

from django.http import Http404

from families import views
from families.access import in_a_space_only

# The pages of his own account a family or pupil account may open besides its space.
OWN_ACCOUNT_PAGES = {"logout", "password_change", "password_change_done", "set_language"}


class SpaceOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not in_a_space_only(request.user):
            return None
        match = request.resolver_match
        if match.namespace == "families" or (
            not match.namespace and match.url_name in OWN_ACCOUNT_PAGES
        ):
            return None
        if match.url_name == "home" and not match.namespace:
            return views.home(request)
        raise Http404
