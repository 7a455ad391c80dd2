"""The law's threshold on absences (Code de l'éducation L131-8) and the obligation of
training (L114-1) for 16-18 year olds.

L131-8 as in force since loi n° 2019-791 du 26 juillet 2019: "Le directeur [...] saisit
l'autorité de l'Etat compétente en matière d'éducation [...] 2° Lorsque l'enfant a manqué
la classe sans motif légitime ni excuses valables au moins quatre demi-journées dans le
mois. En cas de persistance du défaut d'assiduité, le directeur [...] réunit les membres
concernés de la communauté éducative [...]. Un personnel d'éducation référent est
désigné". The mayor is no longer told by the school (the article's former paragraph is
gone).

Under 16 on the days concerned, 4 or more unjustified half-days in a calendar month: the
alert is handled once the referral to the DASEN is recorded. Persistence: the pupil was
already referred for an earlier month and is over the threshold again; then the meeting
of the educational community and its referent are due until recorded. From 16 to 18 the
school's own number (policy) suggests contacting the local youth mission. Half-days count
under the age the pupil had on each one, so a 16th birthday within the month splits it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from ecoles.models import Policy
from schoollife import register
from schoollife.days import month_bounds
from schoollife.models import AuthorityReport
from students.models import Student, age_on

LAW_HALF_DAYS = 4  # L131-8: "au moins quatre demi-journées dans le mois"
LAW_AGE = 16
ADULT = 18

LAW = "law"
OBLIGATION = "obligation"


@dataclass
class Alert:
    student: Student
    kind: str
    half_days: list[tuple[dt.date, str]]
    reports: dict[str, AuthorityReport] = field(default_factory=dict)
    referred_before: AuthorityReport | None = None

    @property
    def count(self) -> int:
        return len(self.half_days)

    @property
    def handled(self) -> bool:
        """The referral to the DASEN was sent (under 16), the mission contacted (16-18)."""
        needed = AuthorityReport.Kind.DASEN if self.kind == LAW else AuthorityReport.Kind.MISSION
        return needed in self.reports

    @property
    def persistent(self) -> bool:
        """Over the threshold again after a referral for an earlier month (L131-8)."""
        return self.kind == LAW and self.referred_before is not None

    @property
    def meeting(self) -> AuthorityReport | None:
        return self.reports.get(AuthorityReport.Kind.MEETING)

    @property
    def follow_up_due(self) -> bool:
        """Persistence: the educational community is gathered and a referent named."""
        return self.persistent and self.meeting is None

    @property
    def to_do(self) -> bool:
        """What the director's home lists: not handled yet, or its follow-up due."""
        return not self.handled or self.follow_up_due


def classify(
    birth_date: dt.date, half_days: list[tuple[dt.date, str]], policy: Policy
) -> dict[str, list]:
    """Which alerts these unjustified half-days raise, each with the half-days it counts."""
    under = [h for h in half_days if age_on(birth_date, h[0]) < LAW_AGE]
    minor = [h for h in half_days if LAW_AGE <= age_on(birth_date, h[0]) < ADULT]
    raised = {}
    if len(under) >= LAW_HALF_DAYS:
        raised[LAW] = under
    if len(minor) >= policy.training_obligation_half_days:
        raised[OBLIGATION] = minor
    return raised


def alerts(
    month: dt.date, students=None, policy: Policy | None = None, cells: dict | None = None
) -> list[Alert]:
    """The month's alerts, each with what was already sent for it. `cells`: the register
    already built over the month for these pupils (a home page shares it)."""
    policy = policy or Policy.load()
    first, last = month_bounds(month)
    if students is None:
        students = Student.objects.current().present_during(first, last)
    if not isinstance(students, list):
        students = list(students.select_related("workshop"))
    if cells is None:
        cells = register.build(students, first, last, policy)
    unjustified: dict[int, list] = {}
    for (sid, day, half), cell in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        if cell.unjustified and first <= day <= last:
            unjustified.setdefault(sid, []).append((day, half))
    reports: dict[int, dict[str, AuthorityReport]] = {}
    earlier: dict[int, AuthorityReport] = {}
    # One query: this month's actions and the earlier referrals (persistence).
    for report in AuthorityReport.objects.filter(
        Q(month=first) | Q(month__lt=first, kind=AuthorityReport.Kind.DASEN),
        student_id__in=list(unjustified),
    ).order_by("month"):
        if report.month == first:
            reports.setdefault(report.student_id, {})[report.kind] = report
        else:
            earlier[report.student_id] = report  # the latest one wins
    found = []
    for student in students:
        for kind, days in classify(
            student.birth_date, unjustified.get(student.pk, []), policy
        ).items():
            found.append(
                Alert(
                    student,
                    kind,
                    days,
                    reports.get(student.pk, {}),
                    earlier.get(student.pk) if kind == LAW else None,
                )
            )
    return found
