"""Forms for recording time: team entry, one work log, a theory session, the roll call."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from ecoles import roles
from ecoles.bounds import SchoolDateField, is_school_date, parse_id
from ecoles.models import Policy, User, Workshop
from ecoles.pickers import SearchSelect, offer
from orders.models import Order
from safety import rules as safety_rules
from safety.models import Machine
from students.models import Student
from training import recording, timeguard
from training.models import (
    Attendance,
    ClosedPeriod,
    SessionPattern,
    TheorySession,
    Weekday,
    WorkLog,
    WorkshopSlot,
    refuse_future_work,
)
from training.recording import Call

MORNING, AFTERNOON, CUSTOM = "morning", "afternoon", "custom"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PupilCheckboxes(forms.CheckboxSelectMultiple):
    """The pupils as big checkboxes. `busy` ({pupil id: [(Interval, overlaps the slot)]})
    adds, under a name, what he already does that day; one busy in the slot is marked
    `data-busy` so that "Select all" leaves him out (static/js/training.js)."""

    template_name = "training/widgets/pupils.html"
    busy: dict = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pupil = getattr(value, "instance", None)
        items = self.busy.get(getattr(pupil, "pk", None), [])
        option["notes"] = [
            {
                "text": busy_note(item, getattr(pupil, "sex", "")),
                "from": _minutes(item.start),
                "to": _minutes(item.end),
                "now": now,
            }
            for item, now in items
        ]
        option["busy"] = any(now for _item, now in items)
        if option["busy"]:
            option["attrs"] = {**option["attrs"], "data-busy": "1"}
        if items:
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_busy"
        return option


def _minutes(value: dt.datetime) -> int:
    local = timezone.localtime(value)
    return local.hour * 60 + local.minute


def busy_note(item, sex: str) -> str:
    """'already logged 8 h 30 – 12 h on Bibliothèque', 'expected at Français 10 h – 12 h'
    (French follows the pupil's sex: saisie / saisi, attendue / attendu)."""
    words = {"start": timeguard.clock(item.start), "end": timeguard.clock(item.end)}
    words["what"] = item.label
    if item.ref and item.ref[0] == "absence":
        return item.label  # 'absent on 07/12/2026, afternoon: Rendez-vous médical'
    if item.ref and item.ref[0] == "log":
        if sex == "F":
            return pgettext("a girl", "already logged %(start)s – %(end)s on %(what)s") % words
        if sex == "M":
            return pgettext("a boy", "already logged %(start)s – %(end)s on %(what)s") % words
        return gettext("already logged %(start)s – %(end)s on %(what)s") % words
    if sex == "F":
        return pgettext("a girl", "expected at %(what)s %(start)s – %(end)s") % words
    if sex == "M":
        return pgettext("a boy", "expected at %(what)s %(start)s – %(end)s") % words
    return gettext("expected at %(what)s %(start)s – %(end)s") % words


def override_field() -> forms.CharField:
    return forms.CharField(
        label=_("Director's override: reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if the entry is refused for the two-thirds balance: lets it through. The "
            "law's limits for minors and overlaps are never overridden. The reason is kept "
            "and shown on the pupil's record."
        ),
    )


def orders_for(user):
    orders = Order.objects.visible_to(user).open_for_work().select_related("workshop")
    if not user.has_role(roles.DIRECTOR):
        orders = orders.filter(workshop__trainers=user)
    return orders.order_by("workshop__name", "title")


def pupils_for(user):
    pupils = Student.objects.visible_to(user).enrolled().select_related("workshop")
    if not user.has_role(roles.DIRECTOR):
        pupils = pupils.filter(workshop__trainers=user)
    return pupils.order_by("workshop__name", "last_name", "first_name")


def log_pupils_for(user):
    """The pupils whose time `user` sees this school year (a trainer: his workshops')."""
    today = timezone.localdate()
    return Student.objects.records_visible_to(user).present_during(
        Policy.load().school_year_start(today), today
    )


def _named(form: forms.Form, name: str, *more) -> list[int]:
    """The ids a picker must keep offering: posted, asked, or the object's own."""
    values = [form.data.get(form.add_prefix(name)), form.initial.get(name), *more]
    return [pk for pk in (parse_id(v) for v in values) if pk]


ORDER_SEARCH = _("Search an order (title, reference, customer)…")
ORDER_HINT = _("The list shows the orders in hand; search to find another.")
PUPIL_SEARCH = _("Search a pupil (first or last name)…")
PUPIL_HINT = _("The list shows the first pupils; search to find another.")


def pupil_picker(url_name: str) -> SearchSelect:
    return SearchSelect(url_name, placeholder=PUPIL_SEARCH, hint=PUPIL_HINT)


def pick_order(form: forms.Form, orders, search: str, *more) -> None:
    """The order as a picker: the chosen one and a few, the search's matches or the
    most urgent (promised first)."""
    form.fields["order"].widget = SearchSelect(
        "training:order_choices", placeholder=ORDER_SEARCH, hint=ORDER_HINT
    )
    # Undated orders after the dated ones on every database (SQLite sorts NULL first).
    soonest = orders.order_by(F("promised_date").asc(nulls_last=True), "-pk")
    matches = orders.search(search) if search else soonest
    offer(form, "order", matches, _named(form, "order", *more))


def pick_pupil(form: forms.Form, name: str, search: str, *more) -> None:
    form.fields[name].widget = pupil_picker("training:pupil_choices")
    pupils = form.fields[name].queryset
    offer(
        form,
        name,
        pupils.search(search).order_by("last_name", "first_name"),
        _named(form, name, *more),
    )


def machines_for(user):
    """The machines in use of the workshops whose orders `user` logs time on."""
    machines = Machine.objects.in_use().select_related("workshop")
    if not user.has_role(roles.DIRECTOR):
        machines = machines.filter(workshop__trainers=user)
    return machines.order_by("workshop__name", "name")


def machine_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Machine or regulated work used"),
        queryset=Machine.objects.none(),
        required=False,
        help_text=_("Minors are logged on it only under the conditions of the law (no override)."),
    )


def refuse_future(form: forms.Form, day: dt.date | None, end: dt.time | None) -> None:
    """R8, said on the form: a log records work done, never later than now."""
    if day and end:
        try:
            refuse_future_work(
                dt.datetime.combine(day, end, tzinfo=timezone.get_current_timezone())
            )
        except forms.ValidationError as exc:
            form.add_error("date", exc.messages)


class SlotMixin:
    def slot_times(self, cleaned):
        policy = Policy.load()
        slot = cleaned.get("slot")
        if slot == MORNING:
            return policy.morning_start, policy.morning_end
        if slot == AFTERNOON:
            return policy.afternoon_start, policy.afternoon_end
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if not start or not end:
            self.add_error("start_time", _("Give the start and end times."))
            return None
        if end <= start:
            self.add_error("end_time", _("The end must be after the start."))
            return None
        return start, end


class TeamEntryForm(SlotMixin, forms.Form):
    """The trainer's daily tool: one order, one slot, his pupils ticked, one save."""

    order = forms.ModelChoiceField(label=_("Order"), queryset=None)
    date = SchoolDateField(label=_("Date"), widget=DateInput())
    slot = forms.ChoiceField(
        label=_("Slot"),
        choices=[(MORNING, _("Morning")), (AFTERNOON, _("Afternoon")), (CUSTOM, _("Other times"))],
        initial=MORNING,
        widget=forms.RadioSelect,
    )
    start_time = forms.TimeField(label=_("From"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), required=False, widget=TimeInput())
    students = forms.ModelMultipleChoiceField(
        label=_("Pupils"), queryset=None, widget=PupilCheckboxes
    )
    machine = machine_field()
    task = forms.CharField(label=_("Task done"), max_length=200, required=False)
    override_reason = override_field()

    def __init__(self, *args, user, order_search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # {pupil: [reasons]}: who may not work on the chosen machine that day (R13).
        self.left_out: dict = {}
        self.fields["order"].queryset = orders_for(user)
        pick_order(self, orders_for(user), order_search)
        self.fields["students"].queryset = pupils_for(user)
        self.fields["machine"].queryset = machines_for(user)
        self.fields["date"].initial = timezone.localdate()
        policy = Policy.load()
        # The slots' times in minutes, for the page's script that says who is busy then.
        self.slot_minutes = {
            MORNING: f"{_clock_minutes(policy.morning_start)}-{_clock_minutes(policy.morning_end)}",
            AFTERNOON: f"{_clock_minutes(policy.afternoon_start)}-"
            f"{_clock_minutes(policy.afternoon_end)}",
        }
        self.fields["slot"].choices = [
            (
                MORNING,
                _("Morning (%(a)s-%(b)s)") % _times(policy.morning_start, policy.morning_end),
            ),
            (
                AFTERNOON,
                _("Afternoon (%(a)s-%(b)s)") % _times(policy.afternoon_start, policy.afternoon_end),
            ),
            (CUSTOM, _("Other times")),
        ]
        if not user.has_role(roles.DIRECTOR):
            del self.fields["override_reason"]
        self.policy = policy
        self._find_busy()

    def _raw(self, name: str):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name, self.fields[name].initial)

    def current_slot(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The slot the page stands on: posted, asked in the query string, or the default
        (this morning); None while it is not known."""
        try:
            day = self.fields["date"].clean(self._raw("date"))  # a school date, or None
            slot = self._raw("slot") or MORNING
            if slot == MORNING:
                start, end = self.policy.morning_start, self.policy.morning_end
            elif slot == AFTERNOON:
                start, end = self.policy.afternoon_start, self.policy.afternoon_end
            else:
                start = self.fields["start_time"].to_python(self._raw("start_time"))
                end = self.fields["end_time"].to_python(self._raw("end_time"))
        except forms.ValidationError:
            return None
        if not day or not start or not end or end <= start:
            return None
        return recording.aware(day, start), recording.aware(day, end)

    def _find_busy(self) -> None:
        """Who of the list already does something that day, and who in the slot (two
        queries): shown under the names, left out of "Select all", unticked on save."""
        self.busy: dict[int, list] = {}
        self.busy_day = None
        slot = self.current_slot()
        if slot is None:
            return
        start, end = slot
        day = recording.local_day(start)
        pupils = self.fields["students"].queryset.order_by().values("pk")
        notes = {}
        found = timeguard.activities(pupils, day, day)
        # Recorded absent (R9): said on his card, left unticked like one busy in the slot.
        for pk, spans in recording.absent_spans(pupils, day, day).items():
            found[pk] = list(found.get(pk, [])) + spans
        for pk, items in found.items():
            items = sorted(items, key=lambda i: i.start)
            notes[pk] = [(i, i.start < end and start < i.end) for i in items]
            if now := [i for i, overlaps in notes[pk] if overlaps]:
                self.busy[pk] = now
        self.fields["students"].widget.busy = notes
        self.busy_day = day

    def _untick(self, ids) -> None:
        name = self.add_prefix("students")
        data = self.data.copy()
        data.setlist(
            name, [v for v in data.getlist(name) if parse_id(v) and parse_id(v) not in ids]
        )
        self.data = data

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")  # before a later check takes it out of cleaned_data
        times = self.slot_times(cleaned)
        if times:
            cleaned["start_time"], cleaned["end_time"] = times
            refuse_future(self, cleaned.get("date"), times[1])
        order, students = cleaned.get("order"), cleaned.get("students")
        if order and students:
            others = [s for s in students if s.workshop_id != order.workshop_id]
            if others:
                self.add_error(
                    "students",
                    _("Not in the workshop of this order: %(names)s.")
                    % {"names": ", ".join(str(s) for s in others)},
                )
        self._leave_out_busy(cleaned)
        self._leave_out_refused(cleaned, day)
        return cleaned

    def _leave_out_busy(self, cleaned) -> None:
        """One line per ticked pupil already busy in the slot, saying with what; they are
        unticked, and saving again logs the others (issue #16: one busy pupil no longer
        blocks the team with no clue which)."""
        ticked = cleaned.get("students") or []
        busy = [s for s in ticked if s.pk in self.busy]
        if not busy:
            return
        for pupil in busy:
            absent = [i for i in self.busy[pupil.pk] if i.ref and i.ref[0] == "absence"]
            if absent:
                self.add_error("students", recording.absent_message(pupil, absent[0].label))
                continue
            self.add_error(
                "students", timeguard.already_busy(str(pupil), pupil.sex, self.busy[pupil.pk])
            )
        if len(busy) == len(ticked):
            message = ngettext(
                "The ticked pupil is already busy in this slot: choose another slot.",
                "The ticked pupils are all already busy in this slot: choose another slot.",
                len(busy),
            )
        else:
            message = ngettext(
                "%(count)s pupil is already busy in this slot and was unticked (see the "
                "list): save again to log the %(others)s others.",
                "%(count)s pupils are already busy in this slot and were unticked (see the "
                "list): save again to log the %(others)s others.",
                len(busy),
            ) % {"count": len(busy), "others": len(ticked) - len(busy)}
        self.add_error(None, message)
        self._untick({s.pk for s in busy})

    def _leave_out_refused(self, cleaned, day) -> None:
        """Say, before saving, which of the trainer's pupils may not be logged on the
        chosen machine that day and why; untick those who were ticked (R13)."""
        machine = cleaned.get("machine")
        if not machine or not day:
            return
        pupils = list(self.fields["students"].queryset)
        refused = safety_rules.refusals(pupils, machine, day)
        self.left_out = {p: refused[p.pk] for p in pupils if p.pk in refused}
        ticked = [s for s in cleaned.get("students") or [] if s.pk in refused]
        if ticked:
            self.add_error(
                "students",
                _("Cannot be logged on %(machine)s: %(names)s. They were unticked.")
                % {"machine": machine.name, "names": ", ".join(str(s) for s in ticked)},
            )
            self._untick(set(refused))


def _clock_minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _times(a: dt.time, b: dt.time) -> dict:
    return {"a": f"{a:%H:%M}", "b": f"{b:%H:%M}"}


class WorkLogForm(forms.Form):
    """Correct (or add) one pupil's work log."""

    order = forms.ModelChoiceField(label=_("Order"), queryset=None)
    student = forms.ModelChoiceField(label=_("Pupil"), queryset=None)
    date = SchoolDateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())
    machine = machine_field()
    task = forms.CharField(label=_("Task done"), max_length=200, required=False)
    override_reason = override_field()

    def __init__(
        self, *args, user, log: WorkLog | None = None, search: dict | None = None, **kwargs
    ):
        # The log's current values, also when the view passes `request.POST or None`.
        if log is not None and "initial" not in kwargs:
            start, end = timezone.localtime(log.start), timezone.localtime(log.end)
            kwargs["initial"] = {
                "order": log.order_id,
                "student": log.student_id,
                "date": start.date(),
                "start_time": start.time(),
                "end_time": end.time(),
                "machine": log.machine_id,
                "task": log.task,
            }
        super().__init__(*args, **kwargs)

        orders = orders_for(user)
        if log is not None:  # keep the log's own order even if it was delivered since
            orders = Order.objects.visible_to(user).filter(
                Q(pk__in=orders.values("pk")) | Q(pk=log.order_id)
            )
        self.fields["order"].queryset = orders.order_by("title")
        # The pupils of this school year (a former pupil's old log keeps its pupil).
        today = timezone.localdate()
        pupils = Student.objects.visible_to(user).filter(
            Q(pk__in=Student.objects.present_during(Policy.load().school_year_start(today), today))
            | Q(pk=log.student_id if log else None)
        )
        if not user.has_role(roles.DIRECTOR):
            pupils = pupils.filter(workshop__trainers=user)
        self.fields["student"].queryset = pupils.order_by("last_name", "first_name")
        # Both grow with the school: pickers, searched on the server (issue #16).
        search = search or {}
        pick_order(self, orders, search.get("order", ""))
        pick_pupil(self, "student", search.get("student", ""))
        machines = machines_for(user)
        if log is not None and log.machine_id:  # keep the log's own machine
            machines = Machine.objects.filter(
                Q(pk__in=machines.values("pk")) | Q(pk=log.machine_id)
            )
        self.fields["machine"].queryset = machines.select_related("workshop")
        if not user.has_role(roles.DIRECTOR):
            del self.fields["override_reason"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end must be after the start."))
        refuse_future(self, cleaned.get("date"), end)
        order, student = cleaned.get("order"), cleaned.get("student")
        if order and student and order.workshop_id != student.workshop_id:
            self.add_error("student", _("This pupil is not in the workshop of this order."))
        machine = cleaned.get("machine")
        if order and machine and machine.workshop_id != order.workshop_id:
            self.add_error("machine", _("This machine is not in the order's workshop."))
        return cleaned


class SessionForm(forms.Form):
    """A theory session and who is expected: a cohort, a workshop or picked pupils."""

    subject = forms.ChoiceField(label=_("Subject"), choices=TheorySession.Subject.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    teacher = forms.ModelChoiceField(label=_("Teacher"), queryset=None)
    date = SchoolDateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())
    audience = forms.ChoiceField(
        label=_("Pupils expected"),
        choices=TheorySession.Audience.choices,
        widget=forms.RadioSelect,
        initial=TheorySession.Audience.COHORT,
    )
    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int, required=False, choices=())
    workshop = forms.ModelChoiceField(
        label=_("Workshop"), queryset=Workshop.objects.active(), required=False
    )
    students = forms.ModelMultipleChoiceField(
        label=_("Pupils"), queryset=None, required=False, widget=PupilCheckboxes
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)

        teachers = User.objects.filter(groups__name=roles.TEACHER, is_active=True)
        self.fields["teacher"].queryset = teachers
        if user.has_role(roles.TEACHER) and not user.has_role(roles.DIRECTOR):
            self.fields["teacher"].queryset = User.objects.filter(pk=user.pk)
        self.fields["teacher"].initial = user.pk
        enrolled = Student.objects.enrolled()
        cohorts = enrolled.order_by("-cohort").values_list("cohort", flat=True).distinct()
        self.fields["cohort"].choices = [("", "---------")] + [(c, str(c)) for c in cohorts]
        self.fields["students"].queryset = enrolled.select_related("workshop").order_by(
            "workshop__name", "last_name", "first_name"
        )
        self.fields["date"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end must be after the start."))
        audience = cleaned.get("audience")
        needed = {
            TheorySession.Audience.COHORT: ("cohort", _("Choose the cohort.")),
            TheorySession.Audience.WORKSHOP: ("workshop", _("Choose the workshop.")),
            TheorySession.Audience.PICKED: ("students", _("Tick at least one pupil.")),
        }.get(audience)
        if needed and not cleaned.get(needed[0]):
            self.add_error(needed[0], needed[1])
        return cleaned

    def expected(self):
        audience = self.cleaned_data["audience"]
        enrolled = Student.objects.enrolled()
        if audience == TheorySession.Audience.COHORT:
            return enrolled.filter(cohort=self.cleaned_data["cohort"])
        if audience == TheorySession.Audience.WORKSHOP:
            return enrolled.filter(workshop=self.cleaned_data["workshop"])
        return self.cleaned_data["students"]


class AttendanceForm(forms.Form):
    """The roll call: one status per expected pupil, minutes if late, reason if excused."""

    def __init__(self, *args, rows: list[Attendance], can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [c for c in Attendance.Status.choices if c[0] != Attendance.Status.PENDING]
        for row in rows:
            self.fields[f"status_{row.pk}"] = forms.ChoiceField(
                label=str(row.student),
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                initial=None if row.status == Attendance.Status.PENDING else row.status,
            )
            self.fields[f"late_{row.pk}"] = forms.IntegerField(
                label=_("minutes late"),
                min_value=0,
                max_value=600,
                required=False,
                initial=row.late_minutes or None,
            )
            self.fields[f"reason_{row.pk}"] = forms.CharField(
                label=_("reason"), max_length=200, required=False, initial=row.reason
            )
        # "Everyone present, then the exceptions": one tap for the class, then the few
        # absent or late (issue #16); a pupil already called keeps his status.
        self.fields["all_present"] = forms.BooleanField(
            label=_("Everyone present, but the exceptions I mark below"), required=False
        )
        if can_override:
            self.fields["override_reason"] = override_field()

    def _status(self, row: Attendance) -> str:
        status = self.cleaned_data.get(f"status_{row.pk}") or row.status
        if status == Attendance.Status.PENDING and self.cleaned_data.get("all_present"):
            return Attendance.Status.PRESENT
        return status

    def lines(self):
        for row in self.rows:
            yield {
                "row": row,
                "status": self[f"status_{row.pk}"],
                "late": self[f"late_{row.pk}"],
                "reason": self[f"reason_{row.pk}"],
            }

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            status = self._status(row)
            late = cleaned.get(f"late_{row.pk}") or 0
            if status == Attendance.Status.LATE and not late:
                self.add_error(f"late_{row.pk}", _("Say how many minutes late."))
            if (
                status == Attendance.Status.LATE
                and late * 60 >= row.session.duration.total_seconds()
            ):
                self.add_error(f"late_{row.pk}", _("Late for the whole session: absent."))
            if status == Attendance.Status.EXCUSED and not cleaned.get(f"reason_{row.pk}"):
                self.add_error(f"reason_{row.pk}", _("An excused absence needs its reason."))
        return cleaned

    def calls(self):
        result = []
        for row in self.rows:
            status = self._status(row)
            result.append(
                Call(
                    row,
                    status,
                    self.cleaned_data.get(f"late_{row.pk}") or 0,
                    self.cleaned_data.get(f"reason_{row.pk}") or "",
                )
            )
        return result


class ClosePeriodForm(forms.Form):
    """The director's closing of a month: only a month that has ended is offered (the
    picker stops at it) and accepted, before any confirmation is asked."""

    month = forms.CharField(
        label=_("Month to close"), widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest = ClosedPeriod.latest_closable()
        self.fields["month"].widget.attrs["max"] = f"{self.latest:%Y-%m}"
        self.fields["month"].help_text = _(
            "A month is closed once it has ended: %(latest)s at the latest."
        ) % {"latest": date_format(self.latest, "F Y")}

    def clean_month(self) -> dt.date:
        value = self.cleaned_data["month"]
        try:
            year, month = (int(x) for x in value.split("-"))
            day = dt.date(year, month, 1)
        except (ValueError, OverflowError):
            raise forms.ValidationError(_("Give a month like 2026-11.")) from None
        if not is_school_date(day):
            raise forms.ValidationError(_("Give a month of the last few school years."))
        try:
            ClosedPeriod.refuse_unfinished(day)
        except forms.ValidationError as refused:
            raise forms.ValidationError(refused.message_dict["month"]) from None

        if ClosedPeriod.objects.filter(month=day).exists():
            raise forms.ValidationError(_("This month is already closed."))
        return day


class PeriodFilterForm(forms.Form):
    """The work-log list's filter: the current school year unless the user asks otherwise
    (an empty "From" means since the beginning); the pupils of that year to pick from
    (a former pupil's logs are on his own time page)."""

    start = SchoolDateField(label=_("From"), required=False, widget=DateInput())
    end = SchoolDateField(label=_("To"), required=False, widget=DateInput())
    student = forms.ModelChoiceField(label=_("Pupil"), queryset=None, required=False)

    def __init__(
        self, data, *, user, year_start: dt.date, today: dt.date, search: str = "", **kwargs
    ):
        if "start" not in data:
            data = data.copy()
            data["start"] = year_start.isoformat()
        super().__init__(data, **kwargs)
        self.fields["student"].queryset = (
            Student.objects.records_visible_to(user)
            .present_during(year_start, today)
            .order_by("last_name", "first_name")
        )
        pick_pupil(self, "student", search)


# --- the timetable ------------------------------------------------------------------------


class PatternForm(forms.ModelForm):
    """A weekly session of the timetable: what, who teaches, to whom, when."""

    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int, required=False, choices=())

    class Meta:
        model = SessionPattern
        fields = [
            "subject",
            "title",
            "teacher",
            "weekday",
            "start_time",
            "end_time",
            "first_day",
            "last_day",
            "audience",
            "cohort",
            "workshop",
            "students",
        ]
        widgets = {
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "first_day": DateInput(),
            "last_day": DateInput(),
            "audience": forms.RadioSelect,
            "students": PupilCheckboxes,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teachers = User.objects.filter(groups__name=roles.TEACHER, is_active=True)
        if user.has_role(roles.TEACHER) and not user.has_role(roles.DIRECTOR):
            teachers = User.objects.filter(pk=user.pk)
        self.fields["teacher"].queryset = teachers
        self.fields["teacher"].initial = user.pk
        self.fields["audience"].choices = TheorySession.Audience.choices
        enrolled = Student.objects.enrolled()
        cohorts = enrolled.order_by("-cohort").values_list("cohort", flat=True).distinct()
        self.fields["cohort"].choices = [("", "---------")] + [(c, str(c)) for c in cohorts]
        self.fields["workshop"].queryset = Workshop.objects.active()
        self.fields["students"].queryset = enrolled.select_related("workshop").order_by(
            "workshop__name", "last_name", "first_name"
        )
        self.fields["students"].required = False
        if not self.instance.pk:
            policy = Policy.load()
            today = timezone.localdate()
            self.fields["first_day"].initial = today
            self.fields["last_day"].initial = policy.school_year_end(today)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("audience") == TheorySession.Audience.PICKED and not cleaned.get("students"):
            self.add_error("students", _("Tick at least one pupil."))
        return cleaned


class MoveSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    teacher = forms.ModelChoiceField(label=_("Teacher"), queryset=None)
    date = SchoolDateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())

    def __init__(self, *args, user, session: TheorySession, **kwargs):
        local = timezone.localtime(session.start)
        kwargs.setdefault(
            "initial",
            {
                "title": session.title,
                "teacher": session.teacher_id,
                "date": local.date(),
                "start_time": local.time(),
                "end_time": timezone.localtime(session.end).time(),
            },
        )
        super().__init__(*args, **kwargs)
        teachers = User.objects.filter(groups__name=roles.TEACHER, is_active=True)
        if not user.has_role(roles.DIRECTOR):
            teachers = User.objects.filter(pk=session.teacher_id)
        self.fields["teacher"].queryset = teachers

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end must be after the start."))
        return cleaned


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=200,
        help_text=_("Kept and shown with the session: the teacher is ill, an outing..."),
    )


def slot_choices() -> list[tuple[str, str]]:
    return [
        (f"{day}{half}", f"{day_label} · {half_label}")
        for day, day_label in Weekday.choices
        for half, half_label in WorkshopSlot.HalfDay.choices
    ]


class WorkshopWeekForm(forms.Form):
    slots = forms.MultipleChoiceField(
        label=_("Usual production half-days"),
        choices=slot_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def half_days(self) -> list[tuple[int, str]]:
        return [(int(value[0]), value[1:]) for value in self.cleaned_data["slots"]]
