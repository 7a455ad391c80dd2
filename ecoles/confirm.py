"""The confirmation step of an irreversible act (issue #16): nothing legal or final
happens in one tap.

A view that does something that cannot be undone (issue a numbered document, delete,
anonymise, cancel, close a period, send a mail) answers its first, valid POST with a page
that says what will happen (templates/confirm.html) and carries the same data again in
hidden fields plus ``confirmed=yes``; only that second POST acts. Works without
JavaScript, and the page is a plain heading, text and two controls for keyboard and
screen-reader users.

    if not is_confirmed(request):
        return ask(request, title=_("Cancel this order?"), facts=[(_("Order"), order)],
                   text=_("..."), button=_("Cancel the order"), cancel_url=...)
    ... act ...

A view with its own preview (an invoice, a credit note) extends confirm.html instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FIELD = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    """True on the POST sent from the confirmation page."""
    return request.method == "POST" and request.POST.get(FIELD) == "yes"


def ask(
    request: HttpRequest,
    *,
    title: str,
    button: str,
    cancel_url: str,
    facts: Iterable[tuple[str, object]] = (),
    text: str | Iterable[str] = (),
    warning: str | None = None,
    form: Form | None = None,
    extra: Mapping[str, object] | None = None,
    danger: bool = True,
    action: str | None = None,
) -> HttpResponse:
    """The confirmation page: `title` asks the question, `facts` (label, value) and `text`
    say what will happen, `warning` replaces "This cannot be undone."; `form` (bound and
    valid) and `extra` are posted again with the confirmation."""
    paragraphs = [text] if isinstance(text, str) else list(text)
    return render(
        request,
        "confirm.html",
        {
            "confirm_title": title,
            "confirm_facts": list(facts),
            "confirm_text": paragraphs,
            "confirm_warning": warning,
            "confirm_button": button,
            "confirm_button_class": "contrast" if danger else "",
            "confirm_form": form,
            "confirm_extra": extra or {},
            "confirm_action": action,
            "cancel_url": cancel_url,
        },
    )


def would_pass(form: Form, check, *args, **kwargs) -> bool:
    """Run the act's pure check (`check(*args, **kwargs)`, the same the act runs under its
    lock, which writes and locks nothing): its refusal becomes the form's error, so that the
    confirmation page is shown only for what will then be done. Showing that page writes
    nothing (tests/test_confirmations.py captures its SQL)."""
    try:
        check(*args, **kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True
