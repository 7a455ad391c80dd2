"""Pupils' time: production work logs, theory sessions and attendance (SPEC.md R1, R2).

Durations are never stored: they derive from start/end datetimes, summed in SQL.
A closed month (ClosedPeriod) freezes every log and attendance in it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecoles import roles
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.db import Elapsed

DURATION = Elapsed("end", "start")


def local_day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in the school's time zone, as aware datetimes."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def refuse_future_work(end: dt.datetime) -> None:
    """R8: a log records work done, so it never ends later than now (planning is the
    timetable's business, not the work logs')."""
    if end > timezone.now():
        raise ValidationError(
            {
                "end": _("Work is logged once done: a log cannot end later than now (%(now)s).")
                % {"now": f"{timezone.localtime():%d/%m/%Y %H:%M}"}
            },
            code="future",
        )


class PeriodClosedError(ValidationError):
    """Raised when something would change a log or attendance in a closed month."""


class ClosedPeriodQuerySet(models.QuerySet):
    def covering(self, *days: dt.date) -> ClosedPeriodQuerySet:
        return self.filter(month__in={d.replace(day=1) for d in days})


class ClosedPeriod(ConstraintErrorsOnFields, models.Model):
    """A month the director has closed: its logs and attendance can no longer change."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ClosedPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="closedperiod_first_of_month",
                violation_error_code="month",
                violation_error_message=_("A closed period starts on the first of a month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"

    @staticmethod
    def latest_closable(today: dt.date | None = None) -> dt.date:
        """The last month that has ended (its first day): the current month is still being
        recorded (absences reported late, roll calls taken at the end of the day), so it
        is closed only once its last day is past in the school's time zone."""
        today = today or timezone.localdate()
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)

    @staticmethod
    def refuse_unfinished(month: dt.date) -> None:
        latest = ClosedPeriod.latest_closable()
        if month > latest:
            raise ValidationError(
                {
                    "month": _(
                        "A month cannot be closed before it has ended: the latest month "
                        "that can be closed is %(latest)s."
                    )
                    % {"latest": f"{latest:%m/%Y}"}
                },
                code="unfinished",
            )

    def clean(self) -> None:
        if self.month:
            self.refuse_unfinished(self.month)

    @staticmethod
    def refuse_if_closed(*days: dt.date) -> None:
        closed = ClosedPeriod.objects.covering(*days).order_by("month").first()
        if closed:
            raise PeriodClosedError(
                _("%(month)s is closed: nothing in it can be added, changed or deleted.")
                % {"month": f"{closed.month:%m/%Y}"},
                code="closed",
            )


class WorkLogQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorkLogQuerySet:
        if user.has_role(roles.DIRECTOR, roles.OFFICE):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(student__workshop__trainers=user)
        return self.none()

    def between(self, start: dt.date, end: dt.date) -> WorkLogQuerySet:
        """Logs that start on a local day from `start` to `end` included."""
        lo, hi = local_bounds(start, end)
        return self.filter(start__gte=lo, start__lt=hi)

    def hours_by_student(self) -> list[dict]:
        """Hours and number of logs per pupil, by name: one grouped query (an order's
        page and its hours page)."""
        return list(
            self.order_by()
            .values("student", "student__first_name", "student__last_name")
            .annotate(total=Sum(DURATION), logs=Count("pk"))
            .order_by("student__last_name", "student__first_name")
        )

    def total(self) -> dt.timedelta:
        return self.aggregate(total=Sum(DURATION))["total"] or dt.timedelta()


class WorkLog(ConstraintErrorsOnFields, models.Model):
    """Production hours: a pupil's work on an order, start and end on the same day (R1)."""

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="work_logs"
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="work_logs",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    task = models.CharField(_("task"), max_length=200, blank=True)
    # A regulated machine or work used (R13): logging a minor on it obeys safety.rules.
    machine = models.ForeignKey(
        "safety.Machine",
        verbose_name=_("machine or regulated work"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_logs",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = WorkLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-start"]
        indexes = [
            # A pupil's hours over a period (balances, time page, statements).
            models.Index(fields=["student", "start"], name="worklog_student_start"),
            # The log list: a period, newest first.
            models.Index(fields=["start"], name="worklog_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="worklog_end_after_start",
                violation_error_code="end",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.order} · {timezone.localtime(self.start):%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs) -> None:
        ClosedPeriod.refuse_if_closed(*self._days_touched())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        ClosedPeriod.refuse_if_closed(*self._days_touched())
        return super().delete(*args, **kwargs)

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    @property
    def day(self) -> dt.date:
        return local_day(self.start)

    def clean(self) -> None:
        if self.start and self.end:
            if self.end <= self.start:
                raise ValidationError({"end": _("The end must be after the start.")})
            if local_day(self.start) != local_day(self.end):
                raise ValidationError({"end": _("A work log starts and ends on the same day.")})
            refuse_future_work(self.end)
        born = self.student.birth_date if self.student_id else None
        if self.start and born and local_day(self.start) < born:
            message = _("This date is before the pupil's birth date (%(born)s).")
            raise ValidationError({"start": message % {"born": f"{born:%d/%m/%Y}"}})
        if self.machine_id and self.order_id and self.machine.workshop_id != self.order.workshop_id:
            raise ValidationError({"machine": _("This machine is not in the order's workshop.")})

    def _days_touched(self) -> list[dt.date]:
        days = [local_day(self.start)]
        if self.pk:
            old = WorkLog.objects.filter(pk=self.pk).values_list("start", flat=True).first()
            if old:
                days.append(local_day(old))
        return days


class TheorySessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> TheorySessionQuerySet:
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.TEACHER):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(attendances__student__workshop__trainers=user).distinct()
        return self.none()

    def between(self, start: dt.date, end: dt.date) -> TheorySessionQuerySet:
        lo, hi = local_bounds(start, end)
        return self.filter(start__gte=lo, start__lt=hi)

    def planned(self) -> TheorySessionQuerySet:
        """Not cancelled (R8: a cancelled session counts nothing and blocks no one)."""
        return self.filter(cancelled_at__isnull=True)

    def roll_call_to_take(self, before: dt.date) -> TheorySessionQuerySet:
        """Sessions of the days before `before` whose roll call is not finished. Found from
        the pending roll-call lines (partial index attendance_pending), so that years of
        sessions whose roll call was taken cost nothing."""
        pending = Attendance.objects.filter(status=Attendance.Status.PENDING)
        return self.planned().filter(
            start__lt=local_bounds(before, before)[0], pk__in=pending.values("session_id")
        )


class TheorySession(ConstraintErrorsOnFields, models.Model):
    """A theory lesson (cours théorique), general or technological; the pupils expected
    are its attendance rows, and only attended time counts as theory (R1)."""

    class Subject(models.TextChoices):
        GENERAL = "general", _("General education")
        TECHNOLOGICAL = "technological", _("Technological education")

    class Audience(models.TextChoices):
        COHORT = "cohort", _("A cohort")
        WORKSHOP = "workshop", _("A workshop")
        PICKED = "picked", _("Hand-picked pupils")

    subject = models.CharField(_("subject"), max_length=20, choices=Subject)
    title = models.CharField(_("title"), max_length=200)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        related_name="theory_sessions",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    audience = models.CharField(
        _("pupils expected"), max_length=20, choices=Audience, default=Audience.PICKED
    )
    cohort = models.PositiveSmallIntegerField(_("cohort"), null=True, blank=True)
    workshop = models.ForeignKey(
        "ecoles.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="theory_sessions",
        null=True,
        blank=True,
    )
    # The timetable (R8): the weekly pattern that made the session and the day of its
    # slot, kept when the session is moved; a session moved, edited or cancelled by hand
    # no longer follows the pattern, so editing the pattern leaves it alone.
    pattern = models.ForeignKey(
        "training.SessionPattern",
        verbose_name=_("weekly pattern"),
        on_delete=models.SET_NULL,
        related_name="sessions",
        null=True,
        blank=True,
    )
    pattern_day = models.DateField(_("day in the pattern"), null=True, blank=True)
    follows_pattern = models.BooleanField(_("follows its pattern"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = TheorySessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("theory session")
        verbose_name_plural = _("theory sessions")
        ordering = ["-start"]
        indexes = [models.Index(fields=["start"], name="theorysession_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="session_end_after_start",
                violation_error_code="end",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(subject__in=["general", "technological"]),
                name="session_subject_valid",
                violation_error_code="subject",
                violation_error_message=_("Choose a subject from the list."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancel_reason="")
                | (Q(cancelled_at__isnull=False) & ~Q(cancel_reason="")),
                name="session_cancelled_with_reason",
                violation_error_code="cancel_reason",
                violation_error_message=_(
                    "A cancelled session says why, and only a cancelled one."
                ),
            ),
            # A pattern makes one session per slot day.
            models.UniqueConstraint(
                fields=["pattern", "pattern_day"],
                name="session_one_per_pattern_day",
                violation_error_code="pattern_day",
                violation_error_message=_("This pattern already has a session that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {timezone.localtime(self.start):%d/%m/%Y %H:%M}"

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    @property
    def day(self) -> dt.date:
        return local_day(self.start)

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def refuse_roll_call_before_start(self) -> None:
        """R8: a roll call is taken once its session has started."""
        if not self.has_started:
            raise ValidationError(
                _("The roll call is taken once the session has started (%(start)s).")
                % {"start": f"{timezone.localtime(self.start):%d/%m/%Y %H:%M}"},
                code="not_started",
            )

    def clean(self) -> None:
        if self.start and self.end:
            if self.end <= self.start:
                raise ValidationError({"end": _("The end must be after the start.")})
            if local_day(self.start) != local_day(self.end):
                raise ValidationError({"end": _("A session starts and ends on the same day.")})


class AttendanceQuerySet(models.QuerySet):
    def visible_to(self, user) -> AttendanceQuerySet:
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.TEACHER):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(student__workshop__trainers=user)
        return self.none()

    def attended(self) -> AttendanceQuerySet:
        """Theory that counts (R1): present or late, in a session not cancelled (R8)."""
        return self.filter(status__in=Attendance.ATTENDED, session__cancelled_at__isnull=True)

    def occupying(self) -> AttendanceQuerySet:
        """Rows where the pupil is (or will be) in the room: not absent, not excused, and
        the session not cancelled (a cancelled session frees its pupils' slot)."""
        return self.exclude(
            status__in=[Attendance.Status.ABSENT, Attendance.Status.EXCUSED]
        ).filter(session__cancelled_at__isnull=True)

    def between(self, start: dt.date, end: dt.date) -> AttendanceQuerySet:
        lo, hi = local_bounds(start, end)
        return self.filter(session__start__gte=lo, session__start__lt=hi)


class Attendance(ConstraintErrorsOnFields, models.Model):
    """One expected pupil in one theory session, and the teacher's roll call (appel)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not taken yet")
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    ATTENDED = (Status.PRESENT, Status.LATE)

    session = models.ForeignKey(
        TheorySession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status, default=Status.PENDING
    )
    late_minutes = models.PositiveSmallIntegerField(_("minutes late"), default=0)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "student"],
                name="attendance_unique",
                violation_error_code="student",
                violation_error_message=_("This pupil is already on the register of this session."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "present", "late", "absent", "excused"]),
                name="attendance_status_valid",
                violation_error_code="status",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(late_minutes=0) | Q(status="late"),
                name="attendance_late_only",
                violation_error_code="late_minutes",
                violation_error_message=_("Minutes late are only for a pupil marked late."),
            ),
        ]
        # Roll calls still to take: a few rows among years of taken ones (partial index).
        indexes = [
            models.Index(
                fields=["session"], condition=Q(status="pending"), name="attendance_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.session}"

    def save(self, *args, **kwargs) -> None:
        ClosedPeriod.refuse_if_closed(local_day(self.session.start))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        ClosedPeriod.refuse_if_closed(local_day(self.session.start))
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if self.status == self.Status.LATE and not self.late_minutes:
            raise ValidationError({"late_minutes": _("Say how many minutes late.")})
        if self.status != self.Status.LATE:
            self.late_minutes = 0
        if self.status == self.Status.EXCUSED and not self.reason:
            raise ValidationError({"reason": _("An excused absence needs its reason.")})
        if self.session_id and self.late_minutes * 60 >= self.session.duration.total_seconds():
            raise ValidationError({"late_minutes": _("Late for the whole session: absent.")})
        if self.session_id and self.status != self.Status.PENDING:
            try:
                self.session.refuse_roll_call_before_start()
            except ValidationError as exc:
                raise ValidationError({"status": exc.messages}) from exc

    @property
    def attended_start(self) -> dt.datetime:
        return self.session.start + dt.timedelta(minutes=self.late_minutes)

    @property
    def attended(self) -> dt.timedelta:
        if self.status not in self.ATTENDED or self.session.is_cancelled:
            return dt.timedelta()
        return self.session.end - self.attended_start


class OverrideQuerySet(models.QuerySet):
    def visible_to(self, user) -> OverrideQuerySet:
        if user.has_role(roles.DIRECTOR, roles.OFFICE):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(student__workshop__trainers=user)
        return self.none()

    def of_legal_limits(self) -> OverrideQuerySet:
        """Overrides of a limit of the law (R2): granted before issue #27 made them
        impossible for everyone; kept as history (training.timeguard.OVERRIDABLE)."""
        return self.filter(rule__in=Override.LEGAL_RULES)

    def to_acknowledge(self) -> OverrideQuerySet:
        """The legal overrides the director has not yet been shown and acknowledged."""
        return self.of_legal_limits().filter(acknowledged_at__isnull=True)


class Override(ConstraintErrorsOnFields, models.Model):
    """A director's written decision to let a refused time entry through (R1, R2).

    Overlaps are never overridable; this keeps which rule, for whom, why, by whom."""

    class Rule(models.TextChoices):
        BALANCE = "balance", _("Two-thirds balance")
        DAILY = "daily", _("Hours a day")
        WEEKLY = "weekly", _("Hours a week")
        BREAK = "break", _("Break after continuous work")
        NIGHT = "night", _("Night hours")
        REST = "rest", _("Rest between two days")
        FROZEN = "frozen", _("Log of an invoiced, paid or cancelled order")

    # The limits of the law (Code du travail L3162-1 to L3164-2, ecoles.law): no override
    # has been possible since issue #27; rows of these rules are history.
    LEGAL_RULES = (Rule.DAILY, Rule.WEEKLY, Rule.BREAK, Rule.NIGHT, Rule.REST)

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="time_overrides",
    )
    rule = models.CharField(_("rule"), max_length=10, choices=Rule)
    day = models.DateField(_("day"))
    detail = models.CharField(_("what was refused"), max_length=500)
    reason = models.TextField(_("reason"))
    work_log = models.ForeignKey(
        WorkLog,
        verbose_name=_("work log"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="overrides",
    )
    attendance = models.ForeignKey(
        Attendance,
        verbose_name=_("attendance"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="overrides",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    # An override of a legal limit is shown once to the director, who acknowledges it.
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(
        _("acknowledged at"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords()

    objects = OverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("override")
        verbose_name_plural = _("overrides")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    rule__in=["balance", "daily", "weekly", "break", "night", "rest", "frozen"]
                ),
                name="override_rule_valid",
                violation_error_code="rule",
                violation_error_message=_("Choose a rule from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="override_reason_given",
                violation_error_code="reason",
                violation_error_message=_("Say why the rule is overridden."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.get_rule_display()} · {self.day:%d/%m/%Y}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")


class SessionPatternQuerySet(models.QuerySet):
    def visible_to(self, user) -> SessionPatternQuerySet:
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.TEACHER):
            return self
        return self.none()


class SessionPattern(ConstraintErrorsOnFields, models.Model):
    """A weekly line of the theory timetable (SPEC.md R8): the same lesson, same group,
    same weekday and times, from one date to another. It makes one session per open day
    (training.timetable); editing it changes only its sessions not yet held."""

    subject = models.CharField(_("subject"), max_length=20, choices=TheorySession.Subject)
    title = models.CharField(_("title"), max_length=200)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        related_name="session_patterns",
    )
    audience = models.CharField(
        _("pupils expected"),
        max_length=20,
        choices=TheorySession.Audience,
        default=TheorySession.Audience.COHORT,
    )
    cohort = models.PositiveSmallIntegerField(_("cohort"), null=True, blank=True)
    workshop = models.ForeignKey(
        "ecoles.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="session_patterns",
        null=True,
        blank=True,
    )
    students = models.ManyToManyField(
        "students.Student", verbose_name=_("pupils"), related_name="session_patterns", blank=True
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = SessionPatternQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly session")
        verbose_name_plural = _("weekly sessions")
        ordering = ["weekday", "start_time", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="pattern_end_after_start",
                violation_error_code="end_time",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="pattern_last_after_first",
                violation_error_code="last_day",
                violation_error_message=_("The last day cannot be before the first."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=5),
                name="pattern_weekday_valid",
                violation_error_code="weekday",
                violation_error_message=_("Choose a weekday from Monday to Saturday."),
            ),
            models.CheckConstraint(
                condition=Q(subject__in=["general", "technological"]),
                name="pattern_subject_valid",
                violation_error_code="subject",
                violation_error_message=_("Choose a subject from the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.get_weekday_display()} {self.start_time:%H:%M}"

    def clean(self) -> None:
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The end must be after the start.")
        if self.first_day and self.last_day:
            if self.last_day < self.first_day:
                errors["last_day"] = _("The last day must not be before the first.")
            elif (self.last_day - self.first_day).days > 366:
                errors["last_day"] = _("A weekly session runs for a school year at most.")
        if self.audience == TheorySession.Audience.COHORT and not self.cohort:
            errors["cohort"] = _("Choose the cohort.")
        if self.audience == TheorySession.Audience.WORKSHOP and not self.workshop_id:
            errors["workshop"] = _("Choose the workshop.")
        if errors:
            raise ValidationError(errors)

    def days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Its weekdays from `start` to `end` within its dates (open or not)."""
        first = max(start, self.first_day)
        last = min(end, self.last_day)
        first += dt.timedelta(days=(self.weekday - first.weekday()) % 7)
        return [first + dt.timedelta(weeks=i) for i in range(max(0, (last - first).days // 7 + 1))]


class WorkshopSlotQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorkshopSlotQuerySet:
        return self


class WorkshopSlot(ConstraintErrorsOnFields, models.Model):
    """A usual production half-day of a workshop's week (R8): where its pupils are
    expected when no theory session calls them elsewhere."""

    class HalfDay(models.TextChoices):
        MORNING = "am", _("Morning")
        AFTERNOON = "pm", _("Afternoon")

    workshop = models.ForeignKey(
        "ecoles.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.CASCADE,
        related_name="slots",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    half_day = models.CharField(_("half-day"), max_length=2, choices=HalfDay)
    history = HistoricalRecords()

    objects = WorkshopSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop half-day")
        verbose_name_plural = _("workshop half-days")
        ordering = ["workshop", "weekday", "half_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "weekday", "half_day"],
                name="workshopslot_unique",
                violation_error_code="half_day",
                violation_error_message=_("This workshop already has this half-day."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=5),
                name="workshopslot_weekday_valid",
                violation_error_code="weekday",
                violation_error_message=_("Choose a weekday from Monday to Saturday."),
            ),
            models.CheckConstraint(
                condition=Q(half_day__in=["am", "pm"]),
                name="workshopslot_half_day_valid",
                violation_error_code="half_day",
                violation_error_message=_("Choose the morning or the afternoon."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} · {self.get_weekday_display()} {self.get_half_day_display()}"
