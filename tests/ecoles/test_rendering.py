"""Our form renderer writes <select> in Python: the markup must be Django's."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from ecoles.rendering import FormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "Alpha"), ("b", "Bêta & <gamma>")])
    optional = forms.ChoiceField(choices=[("", "---------"), ("1", "One")], required=False)
    grouped = forms.ChoiceField(
        choices=[
            ("Bois", [("chene", "Chêne"), ("hetre", "Hêtre")]),
            ("Métal", [("acier", "Acier")]),
        ]
    )
    many = forms.MultipleChoiceField(choices=[(1, "Un"), (2, "Deux"), (3, "Trois")])
    yes_no = forms.NullBooleanField()
    disabled = forms.ChoiceField(choices=[("x", "X")], disabled=True)
    styled = forms.ChoiceField(
        choices=[("x", "X")],
        widget=forms.Select(attrs={"class": 'a"b', "data-n": 3, "hidden": False}),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "b", "optional": "", "grouped": "hetre", "many": ["1", "3"], "yes_no": "true"},
        {"plain": "zzz", "grouped": "nope", "many": ["9"]},  # invalid: errors, nothing chosen
    ],
)
def test_each_select_is_the_markup_django_writes(data):
    ours = Sample(data, renderer=FormRenderer())
    django = Sample(data, renderer=DjangoTemplates())
    for name in Sample.base_fields:
        assert parse_html(str(ours[name])) == parse_html(str(django[name])), name


def test_the_text_of_an_option_is_escaped():
    html = str(Sample(renderer=FormRenderer())["plain"])
    assert "Bêta &amp; &lt;gamma&gt;" in html
    assert "<gamma>" not in html


def test_the_site_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    try:
        assert isinstance(get_default_renderer(), FormRenderer)
    finally:
        get_default_renderer.cache_clear()
