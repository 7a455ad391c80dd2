"""The progress booklet (livret de suivi) and the workshop at a glance (SPEC.md R10).

Each function reads a fixed number of queries whatever the number of pupils, blocs or
evidence: the référentiel in two, the evidence in one, then the rule is applied in Python
(skills/acquisition.py). The booklet's attendance is the theory roll call of
training.Attendance (the school-life app, built alongside, is not below this one).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from ecoles.models import Policy
from skills import acquisition
from skills.acquisition import Rule
from skills.models import (
    Appraisal,
    Bloc,
    ChefDoeuvre,
    Competency,
    Evidence,
    EvidencePhoto,
    Level,
    Programme,
    term_bounds,
)
from training import balance
from training.models import Attendance

SHORT = {
    Level.INSUFFICIENT: _("Insufficient"),
    Level.FRAGILE: _("Fragile"),
    Level.SATISFACTORY: _("Satisfactory"),
    Level.VERY_GOOD: _("Very good"),
}


@dataclass(frozen=True)
class Shade:
    value: int
    label: str
    colour: str


def shades(policy: Policy) -> dict[int, Shade]:
    """The four levels as the school names and colours them."""
    return {
        level.value: Shade(
            level.value,
            getattr(policy, f"skills_level_{level.value}_label") or str(SHORT[level]),
            getattr(policy, f"skills_level_{level.value}_colour"),
        )
        for level in Level
    }


@dataclass
class CompetencyLine:
    competency: Competency
    level: Shade | None
    acquired: bool
    evidence: list = field(default_factory=list)  # of the period, newest first


@dataclass
class BlocLine:
    bloc: Bloc
    lines: list[CompetencyLine]

    @property
    def acquired(self) -> int:
        return sum(1 for line in self.lines if line.acquired)

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def share(self) -> float:
        return self.acquired / self.total if self.total else 0.0


def blocs_of(version_ids) -> list[Bloc]:
    """The blocs of these versions with their competencies: two queries."""
    return list(
        Bloc.objects.filter(version_id__in=version_ids)
        .order_by("version_id", "position", "code")
        .prefetch_related(Prefetch("competencies", Competency.objects.order_by("position", "code")))
    )


def _evidence(student_ids) -> list[Evidence]:
    return list(
        Evidence.objects.filter(student_id__in=student_ids)
        .with_flags()
        .select_related(
            "order__customer", "competency__bloc__version", "validated_by", "recorded_by"
        )
        .prefetch_related(Prefetch("photos", EvidencePhoto.objects.exclude(image="")))
        .order_by("date", "pk")
    )


def progress(
    version_id: int,
    blocs: list[Bloc],
    evidence: list[Evidence],
    mapping: dict[int, list[int]],
    rule: Rule,
    levels: dict[int, Shade],
    period: tuple[dt.date, dt.date] | None = None,
) -> list[BlocLine]:
    """Each bloc of the version, each competency's level and whether it is acquired, from
    the evidence up to the period's end (the booklet of a past term says what was then)."""
    if period:
        evidence = [e for e in evidence if e.date <= period[1]]
    grouped = acquisition.by_competency(evidence, mapping)
    result = []
    for bloc in blocs:
        if bloc.version_id != version_id:
            continue
        # A theory subject's competencies are shown in lessons, not orders: the rule's
        # "different orders" applies to the workshop's blocs only.
        bloc_rule = replace(rule, min_orders=0) if bloc.subject else rule
        lines = []
        for competency in bloc.competencies.all():
            items = grouped.get(competency.pk, [])
            pieces = [acquisition.piece(e) for e in items]
            level = acquisition.current_level(pieces)
            shown = [e for e in items if not period or e.date >= period[0]]
            lines.append(
                CompetencyLine(
                    competency,
                    levels.get(level) if level else None,
                    acquisition.is_acquired(pieces, bloc_rule),
                    list(reversed(shown)),
                )
            )
        result.append(BlocLine(bloc, lines))
    return result


@dataclass
class Booklet:
    student: object
    programme: Programme | None
    term: tuple[dt.date, dt.date, int]
    blocs: list[BlocLine]
    appraisals: list[Appraisal]
    attendance: dict[str, int]
    balance: object
    chef: ChefDoeuvre | None
    levels: dict[int, Shade]
    hide_customer: bool

    @property
    def acquired(self) -> int:
        return sum(b.acquired for b in self.blocs)

    @property
    def total(self) -> int:
        return sum(b.total for b in self.blocs)

    @property
    def left(self) -> list[CompetencyLine]:
        return [line for b in self.blocs for line in b.lines if not line.acquired]


def booklet(student, day: dt.date, policy: Policy | None = None) -> Booklet:
    """The booklet of `student` for the term holding `day`."""
    policy = policy or Policy.load()
    term = term_bounds(day, policy.school_year_start(day))
    programme = Programme.objects.filter(student=student).select_related("version").first()
    levels = shades(policy)
    blocs_lines: list[BlocLine] = []
    if programme:
        mapping = acquisition.mapped_to(programme.version)
        blocs_lines = progress(
            programme.version_id,
            blocs_of([programme.version_id]),
            _evidence([student.pk]),
            mapping,
            Rule.from_policy(policy),
            levels,
            period=(term[0], term[1]),
        )
    attendance = dict(
        Attendance.objects.filter(student=student)
        .between(term[0], min(term[1], day))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    balances = balance.balances([student.pk], term[0], min(term[1], day), policy=policy)
    chef = ChefDoeuvre.objects.filter(student=student).prefetch_related("steps", "orders").first()
    return Booklet(
        student=student,
        programme=programme,
        term=term,
        blocs=blocs_lines,
        appraisals=list(
            Appraisal.objects.filter(student=student, term_start=term[0]).select_related("author")
        ),
        attendance=attendance,
        balance=balances.get(student.pk),
        chef=chef,
        levels=levels,
        hide_customer=policy.skills_hide_customer,
    )


@dataclass
class GridRow:
    student: object
    cells: list[BlocLine]


@dataclass
class Grid:
    blocs: list[Bloc]  # of the workshop's main version
    rows: list[GridRow]
    unexercised: list[Competency]


def workshop_grid(workshop, today: dt.date, policy: Policy | None = None) -> Grid:
    """Pupils × blocs coloured by progress, and the competencies of the workshop's
    référentiels that no order of the school year has exercised yet."""
    policy = policy or Policy.load()
    rule, levels = Rule.from_policy(policy), shades(policy)
    programmes = list(
        Programme.objects.filter(student__workshop=workshop, student__status="enrolled")
        .select_related("student", "version")
        .order_by("student__last_name", "student__first_name")
    )
    version_ids = sorted({p.version_id for p in programmes})
    blocs = blocs_of(version_ids)
    evidence = _evidence([p.student_id for p in programmes])
    by_student = defaultdict(list)
    for item in evidence:
        by_student[item.student_id].append(item)
    mappings = {
        p.version_id: acquisition.mapped_to(p.version)
        for p in {p.version_id: p for p in programmes}.values()
    }
    rows = [
        GridRow(
            p.student,
            progress(
                p.version_id, blocs, by_student[p.student_id], mappings[p.version_id], rule, levels
            ),
        )
        for p in programmes
    ]
    year_start = policy.school_year_start(today)
    exercised = Q(orders__workshop=workshop, orders__created_at__date__gte=year_start)
    unexercised = list(
        Competency.objects.filter(bloc__version_id__in=version_ids, bloc__subject="")
        .annotate(n=Count("orders", filter=exercised))
        .filter(n=0)
        .select_related("bloc__version__diploma")
        .order_by("bloc__version", "bloc__position", "position")
    )
    main = Counter(p.version_id for p in programmes).most_common(1)
    return Grid(
        blocs=[b for b in blocs if main and b.version_id == main[0][0]],
        rows=rows,
        unexercised=unexercised,
    )
