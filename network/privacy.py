"""Small numbers are protected (issue 31 §1): a figure about fewer than 5 pupils of one
school is not shown for that school, only counted in the totals of several schools.

A figure is "about" the pupils it counts (a count: that many pupils) or the pupils its
rate is out of (exam success: those who sat; placement: the leavers whose destination is
known; attendance and drop-out: the pupils enrolled). None is about no pupil (hours,
amounts, the production share): always shown. A count of 0 tells nothing of anyone and
is shown; 1 to 4 are not. The one function every page, export and report goes through.
"""

from __future__ import annotations

THRESHOLD = 5


def protected(pupils: int | None) -> bool:
    """True when a school's figure about `pupils` pupils must not be shown (1 to 4)."""
    return pupils is not None and 0 < pupils < THRESHOLD
