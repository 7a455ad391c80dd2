"""French, as Django writes it, but thousands grouped with a narrow no-break space
("1 234,56 €"), as French typography does (issue #16)."""

from django.conf.locale.fr.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\u202f"
