"""Pickers that stay small however long the list grows (issue #16): a <select> that
offers a few matches of a server-side search, never the whole table.

    field.widget = SearchSelect("orders:customer_choices")
    offer(form, "customer", Customer.objects.search(text), selected)

Without JavaScript the search box above the form (includes/picker_search.html) reloads
the page with ``?<field>_q=text``; with static/js/picker.js, typing in it asks the
``url_name`` view (see ``choices_response``) and refills the select in place. The field
keeps its full queryset, so any id sent is checked by the database, in one query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.db.models import Q, QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

SIZE = 12  # matches shown at a time


class SearchSelect(forms.Select):
    """`placeholder` and `hint` are the search box's words for this field
    (includes/picker_search.html; the customer's by default)."""

    def __init__(
        self, url_name: str, attrs: dict | None = None, *, placeholder: str = "", hint: str = ""
    ) -> None:
        super().__init__(attrs)
        self.url_name = url_name
        self.placeholder = placeholder
        self.hint = hint

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        attrs["data-picker-url"] = reverse(self.url_name)
        attrs["data-picker-found"] = _("Matches: %s. Choose in the list.")
        attrs["data-picker-none"] = _("Nothing matches this search.")
        return context


def offer(form: forms.Form, name: str, matches: QuerySet, selected: Iterable[int] = ()) -> None:
    """Show the field's selected objects (by id), then at most SIZE of `matches` in
    alphabetical order: one query, whatever the table's size."""
    field = form.fields[name]
    selected = [pk for pk in selected if pk]
    top = matches.values("pk")[:SIZE]
    rows = list(field.queryset.filter(Q(pk__in=selected) | Q(pk__in=top)))
    rows.sort(key=lambda obj: (obj.pk not in selected, str(obj).casefold()))
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = empty + [(obj.pk, str(obj)) for obj in rows]


def search_text(request, name: str) -> str:
    return request.GET.get(f"{name}_q", "").strip()[:100]


def choices_response(matches) -> JsonResponse:
    """The JavaScript side: [{"id": 1, "label": "..."}] for the first SIZE matches."""
    return JsonResponse({"results": [{"id": obj.pk, "label": str(obj)} for obj in matches[:SIZE]]})
