"""The law's limits on a minor's working time (SPEC.md R2), read in the Code du travail.

The school's Policy may be stricter, never looser (ecoles.models.Policy bounds each field
by these numbers; training.timeguard applies the stricter of the two). Production and
theory count together: pupils of an école de production are held to the rules of young
workers (jeunes travailleurs) for their whole day.

- L3162-1: « Les jeunes travailleurs ne peuvent être employés à un travail effectif
  excédant huit heures par jour et trente-cinq heures par semaine. » (the derogations
  need a decree or the labour inspector: the school holds neither).
- L3162-3: « Aucune période de travail effectif ininterrompue ne peut excéder une durée
  maximale de quatre heures et demie. » Beyond, « un temps de pause d'au moins trente
  minutes consécutives ».
- L3163-1: night work is, from 16 to 18, any work between 22:00 and 06:00; under 16,
  between 20:00 and 06:00. L3163-2: « Le travail de nuit est interdit pour les jeunes
  travailleurs » (the sector derogations, R3163-1, are the inspector's, not the school's).
- L3164-1: daily rest of at least 12 consecutive hours, 14 under 16.
- L3164-2: « Les jeunes travailleurs ont droit à deux jours de repos consécutifs par
  semaine. » (its derogations need a collective agreement or the inspector).
- L3132-3: « Dans l'intérêt des salariés, le repos hebdomadaire est donné le dimanche. »
- L3164-6: « Les jeunes travailleurs ne peuvent travailler les jours de fête reconnus
  par la loi » (the list of L3133-1, ecoles.calendar.FIXED_HOLIDAYS and the movable ones).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

MAX_DAILY_HOURS = Decimal("8")  # L3162-1
MAX_WEEKLY_HOURS = Decimal("35")  # L3162-1
BREAK_AFTER_MINUTES = 270  # L3162-3: 4 h 30 of uninterrupted work at most
BREAK_MINUTES = 30  # L3162-3
NIGHT_START = dt.time(22)  # L3163-1, 16 to 18
NIGHT_START_UNDER_16 = dt.time(20)  # L3163-1, under 16
NIGHT_END = dt.time(6)  # L3163-1
DAILY_REST_HOURS = 12  # L3164-1
DAILY_REST_HOURS_UNDER_16 = 14  # L3164-1
WEEKLY_REST_DAYS = 2  # L3164-2, consecutive
