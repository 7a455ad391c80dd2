"""Overrides the builtin `{% csrf_token %}` (see TEMPLATES "builtins" in settings) so that
every POST form also carries a one-time submit token (accounts.middleware.SubmitOnceMiddleware).

Every form of every app gets it without changing its template.
"""

from __future__ import annotations

import secrets

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from accounts import SUBMIT_TOKEN_FIELD

register = template.Library()


class CsrfAndSubmitTokenNode(CsrfTokenNode):
    def render(self, context) -> str:
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html(
            '<input type="hidden" name="{}" value="{}">',
            SUBMIT_TOKEN_FIELD,
            # 32 characters of [A-Za-z0-9_-]: the only shape SubmitOnceMiddleware accepts.
            secrets.token_urlsafe(24),
        )


@register.tag
def csrf_token(parser, token) -> CsrfAndSubmitTokenNode:
    return CsrfAndSubmitTokenNode()
