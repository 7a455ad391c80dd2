"""The form renderer: Django's, with the common widgets written in Python.

Django renders each <option> of a select through its own template include, about a tenth
of a millisecond apiece: a form listing eighty customers or a filter listing the pupils
spent most of its time there. An <input> or a <textarea> costs two or three template
includes (the widget's, input.html, attrs.html), half a millisecond on a form of ten
fields, and a roll call's radio buttons four includes each. The markup is the same as
Django's templates give, to the byte (tests/ecoles/test_rendering.py compares them); a
widget with a template of its own still goes through its template.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"
TEXTAREA = WIDGETS + "textarea.html"
# A radio button or a checkbox of a list, and the lists themselves.
OPTIONS = {f"{WIDGETS}{name}.html" for name in ("input_option", "radio_option", "checkbox_option")}
MULTIPLE = {f"{WIDGETS}{name}.html" for name in ("multiple_input", "radio", "checkbox_select")}
# What an option template leaves after it when included in a list: each template file's
# final newline (radio_option.html includes input_option.html). Django strips only the
# outer template's.
INCLUDED_NEWLINES = {
    name: "\n" if name.endswith("/input_option.html") else "\n\n" for name in OPTIONS
}
# Django's templates that are only {% include "django/forms/widgets/input.html" %}.
INPUT_NAMES = ["checkbox", "color", "date", "datetime", "email", "file", "hidden", "input"]
INPUT_NAMES += ["number", "password", "search", "tel", "text", "time", "url"]
INPUTS = {f"{WIDGETS}{name}.html" for name in INPUT_NAMES}


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: True is a bare name, False is left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        parts.extend(
            f'<option value="{conditional_escape(str(option["value"]))}"'
            f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            for option in options
        )
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every part above is escaped


def render_input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return mark_safe(  # noqa: S308 - every part is escaped
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def render_textarea(widget: dict) -> str:
    value = widget["value"]
    return mark_safe(  # noqa: S308 - every part is escaped
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def render_option(widget: dict) -> str:
    """A radio button or a checkbox, in its label unless the page places the label."""
    tag = render_input(widget)
    if not widget["wrap_label"]:
        return tag
    target = widget["attrs"].get("id")
    target = f' for="{conditional_escape(target)}"' if target else ""
    label = conditional_escape(widget["label"])
    return mark_safe(f"<label{target}>{tag}\n {label}</label>")  # noqa: S308 - escaped


def render_multiple(widget: dict) -> str:
    """Radio buttons or checkboxes, one <div> each, as multiple_input.html."""
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{conditional_escape(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{conditional_escape(attrs["class"])}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        parts.extend(
            f"<div>\n    {render_option(option)}{INCLUDED_NEWLINES[option['template_name']]}</div>"
            for option in options
        )
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped


def _options(widget: dict):
    return (option for _, group, _ in widget["optgroups"] for option in group)


def _plain(options) -> bool:
    """Radio buttons or checkboxes drawn by Django's own templates, with text labels."""
    return all(
        option["template_name"] in OPTIONS and isinstance(option["label"], (str, Promise))
        for option in options
    )


def _in_python(template_name: str, widget: dict):
    """The function that writes this widget, or None to let its template do it."""
    if template_name in INPUTS:
        return render_input
    if template_name == TEXTAREA:
        return render_textarea
    if template_name in OPTIONS and _plain([widget]):
        return render_option
    if template_name in MULTIPLE and _plain(_options(widget)):
        return render_multiple
    if template_name == SELECT and all(o["template_name"] == OPTION for o in _options(widget)):
        return render_select
    return None


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        write = _in_python(template_name, widget) if widget is not None else None
        if write:
            return write(widget)
        return super().render(template_name, context, request)
