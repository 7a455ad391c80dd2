"""The confirmation step of an irreversible act (issue #16): nothing legal or final
happens in one tap.

A view that does something that cannot be undone (issue a numbered document, delete,
anonymise) answers its first, valid POST with a page that says what will happen
(templates/confirm.html) and carries the same data again in hidden fields plus
``confirmed=yes``; only that second POST acts. Works without JavaScript, and the page is
a plain heading, text and two controls for keyboard and screen-reader users.
"""

from __future__ import annotations

from django.http import HttpRequest

FIELD = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    """True on the POST sent from the confirmation page."""
    return request.method == "POST" and request.POST.get(FIELD) == "yes"
