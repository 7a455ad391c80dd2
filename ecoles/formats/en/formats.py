"""English pages follow one convention: British English (issue #16). The templates write
many dates day first ("d/m/Y"), so the locale's own formats are day first too ("4 Dec
2026", "04/12/2026"), with a 24-hour clock and "1,234.56" numbers; never the American
"12/04/2026" beside a "04/12/2026"."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
