# The hidden field carrying a form rendering's one-time token (see accounts.templatetags.once).
SUBMIT_TOKEN_FIELD = "_submit_token"  # noqa: S105 (a field name, not a secret)
