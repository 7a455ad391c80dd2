"""What training records joins school life's flow (SPEC.md R9).

- A pupil marked absent at a theory session whose half-day the register then says absent
  gets his `Absence`, and his family the same day's notice (quiet hours kept), as at the
  workshop roll call; the law's threshold counts the half-day like any other.
- Marked there after all, or work logged in that half-day (logged work means present):
  an absence nobody had worked on is taken back with its waiting notices.

training knows nothing of school life (the layers run one way); school life listens to
its saved rows (`SchoollifeConfig.ready`).
"""

from __future__ import annotations

from ecoles.models import Policy
from schoollife import families, register
from schoollife.models import Absence, Mark
from training.models import Attendance, WorkLog, local_day


def sync(student, day, half, *, notify: bool = True) -> Absence | None:
    """Bring the pupil's `Absence` for the half-day in line with the register's state;
    `notify` False: the school knew beforehand (the teacher marked him excused), so the
    office decides the absence but the family is not told of it."""
    cell = register.build([student], day, day).get((student.pk, day, half))
    absence = Absence.objects.filter(student=student, day=day, half=half).first()
    if cell is not None and cell.state == Mark.ABSENT:
        if absence is None:
            absence = Absence.objects.create(student=student, day=day, half=half)
        if notify:
            families.notify(absence)
        return absence
    if absence is not None and not (absence.reason_id or absence.reported_how or absence.document):
        families.cancel(absence)
        if not absence.notices.exclude(status="cancelled").exists():
            absence.delete()
            return None
    return absence


def attendance_saved(
    sender, instance: Attendance, created: bool = False, raw: bool = False, **kwargs
) -> None:
    """After a theory roll call's row is saved (training.recording.record_attendance); a
    row created for a planned session, not called yet, says nothing."""
    if raw or (created and instance.status == Attendance.Status.PENDING):
        return
    session = instance.session
    if session.cancelled_at is not None:
        return
    start = session.start
    sync(
        instance.student,
        local_day(start),
        register.half_of(start, Policy.load()),
        notify=instance.status != Attendance.Status.EXCUSED,
    )


def work_saved(sender, instance: WorkLog, raw: bool = False, **kwargs) -> None:
    """After a work log is saved: each half-day it covers may take back an absence."""
    if raw:
        return
    day = local_day(instance.start)
    policy = Policy.load()
    for half in register.HALVES:
        start, end = register.half_span(day, half, policy)
        if instance.start < end and instance.end > start:
            absence = Absence.objects.filter(student_id=instance.student_id, day=day, half=half)
            if absence.exists():
                sync(instance.student, day, half)
