"""The law's limits on a minor's working time (SPEC.md R2), read in the Code du travail.

The school's Policy may be stricter, never looser (ecoles.models.Policy bounds each field
by these numbers; training.timeguard applies the stricter of the two). Production and
theory count together: a pupil under 18 in an école de production is a "jeune
travailleur" (L3161-1, 2°: « les stagiaires âgés de moins de dix-huit ans qui accomplissent
des stages d'initiation ou d'application en milieu professionnel dans le cadre d'un
enseignement alterné »), for his whole day.

Each article below was read on 07/12/2026 in the stored copies of Légifrance (or of its
reproductions: code.travail.gouv.fr, doctrine.fr) the search tool holds; "version" is the
date of the version shown there, "not shown" when the copy gave none (check the article
on Légifrance before relying on it). Quotes are the article's own words.

- L3162-1 (version in force since 01/01/2019, loi n° 2018-771 art. 13): « Les jeunes
  travailleurs ne peuvent être employés à un travail effectif excédant huit heures par
  jour et trente-cinq heures par semaine. » Its derogations (up to 10 h and 40 h) need a
  decree's activity (R3162-1, in force on 13/06/2024: building sites, public works and
  landscaping sites, « lorsque l'organisation collective du travail le justifie ») or the
  labour inspector's leave after the doctor's opinion: the school holds neither, so the
  software has none (docs/compliance.d/10-minors-working-time.md).
- L3162-3 (version not shown): no uninterrupted period of effective work over four hours
  and a half, and « un temps de pause d'au moins trente minutes consécutives » when the
  day's work exceeds four hours and a half (the words of R3165-2, which punishes the
  breach of L3162-3; the article's own text was not among the stored copies).
- L3163-1 (version in force since 01/05/2008): « est considéré comme travail de nuit :
  1° Pour les jeunes travailleurs de plus de seize ans et de moins de dix-huit ans, tout
  travail entre 22 heures et 6 heures ; 2° Pour les jeunes travailleurs de moins de seize
  ans, tout travail entre 20 heures et 6 heures. »
- L3163-2 (version not shown): « Le travail de nuit est interdit pour les jeunes
  travailleurs. » Its derogations are the labour inspector's, for the sectors of R3163-1
  (in force on 13/06/2024: hotels, restaurants, bakery, pastry, shows, horse racing), at
  the hours R3163-2 to R3163-4 allow, for a year at most (R3163-5, version of
  01/05/2008); none between midnight and 4 a.m., none under 16 outside shows: not the
  school's to grant.
- L3164-1 (version not shown): « La durée minimale du repos quotidien des jeunes
  travailleurs ne peut être inférieure à douze heures consécutives. Cette durée minimale
  est portée à quatorze heures consécutives s'ils ont moins de seize ans. »
- L3164-2 (version in force on 02/12/2020): « Les jeunes travailleurs ont droit à deux
  jours de repos consécutifs par semaine. » (its derogations need a collective agreement
  or the inspector, and only for those released from compulsory schooling).
- L3132-3 (version not shown): « Dans l'intérêt des salariés, le repos hebdomadaire est
  donné le dimanche. » For a minor its derogations are closed: L3164-3 (« Les dérogations
  au repos hebdomadaire prévues par les articles L. 3132-4 et L. 3132-8 ne sont pas
  applicables aux jeunes travailleurs de moins de dix-huit ans ») and L3164-5, which lifts
  « l'interdiction de travail le dimanche prévue à l'article L. 3132-3 » only for
  apprentices of listed sectors (a pupil is not an apprentice).
- L3164-6 (version not shown): « Les jeunes travailleurs ne peuvent travailler les jours
  de fête reconnus par la loi » (the list of L3133-1: ecoles.calendar.FIXED_HOLIDAYS and
  the movable ones); its derogation (L3164-8) needs a listed sector and an agreement.
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
