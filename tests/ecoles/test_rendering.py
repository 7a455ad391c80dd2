"""Our form renderer writes the common widgets in Python: the markup must be Django's."""

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


class Inputs(forms.Form):
    text = forms.CharField(max_length=20, help_text="Aide")
    quoted = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'Un "nom" & <b>'}))
    number = forms.DecimalField(decimal_places=2, min_value=0)
    whole = forms.IntegerField(required=False)
    email = forms.EmailField()
    url = forms.URLField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    hour = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    secret = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="x<y")
    agreed = forms.BooleanField(required=False)
    search = forms.CharField(widget=forms.SearchInput, required=False)
    phone = forms.CharField(widget=forms.TelInput, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    off = forms.CharField(disabled=True, initial="figé")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": "Bêta & <gamma>",
            "quoted": '"',
            "number": "12.5",
            "whole": "",
            "email": "a@b.fr",
            "day": "2026-11-26",
            "moment": "2026-11-26 08:30",
            "hour": "08:30",
            "secret": "s3cret",
            "agreed": "on",
            "note": "ligne 1\n<ligne 2> & fin",
        },
        {"text": "x" * 30, "number": "-1", "email": "nope", "day": "31/02"},  # invalid
    ],
)
def test_each_input_and_textarea_is_the_markup_django_writes(data):
    ours = Inputs(data, renderer=FormRenderer())
    django = Inputs(data, renderer=DjangoTemplates())
    for name in Inputs.base_fields:
        assert str(ours[name]) == str(django[name]), name


class Choices(forms.Form):
    status = forms.ChoiceField(
        choices=[("present", "Présent"), ("absent", "Absent & <excusé>")], widget=forms.RadioSelect
    )
    grouped = forms.ChoiceField(
        choices=[("Bois", [("chene", "Chêne")]), ("Métal", [("acier", "Acier")])],
        widget=forms.RadioSelect(attrs={"class": "inline"}),
    )
    days = forms.MultipleChoiceField(
        choices=[(1, "Lundi"), (2, "Mardi")], widget=forms.CheckboxSelectMultiple, required=False
    )


@pytest.mark.parametrize("data", [None, {"status": "absent", "days": ["2"]}, {"status": "x"}])
def test_radio_buttons_and_checkboxes_are_the_markup_django_writes(data):
    ours = Choices(data, renderer=FormRenderer())
    django = Choices(data, renderer=DjangoTemplates())
    for name in Choices.base_fields:
        assert str(ours[name]) == str(django[name]), name
        for mine, theirs in zip(ours[name], django[name], strict=True):
            assert mine.tag() == theirs.tag()  # a page that places each label itself
            assert str(mine) == str(theirs)


def test_a_value_typed_into_a_field_is_escaped():
    html = str(Inputs({"text": '"><script>'}, renderer=FormRenderer())["text"])
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
    note = str(Inputs({"note": "</textarea><b>"}, renderer=FormRenderer())["note"])
    assert "&lt;/textarea&gt;&lt;b&gt;</textarea>" in note


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
