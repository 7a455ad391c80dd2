"""What training records joins school life's flow (SPEC.md R9).

- A pupil marked absent at a theory session whose half-day the register then says absent
  gets his `Absence`, and his family the same day's notice (quiet hours kept), as at the
  workshop roll call; the law's threshold counts the half-day like any other.
- Marked there after all: an absence nobody had worked on is taken back with its waiting
  notices. Work logged never takes an absence back (R9): production inside a recorded
  absence is refused (training.recording asks `register.absent_spans`).

training knows nothing of school life (the layers run one way); school life listens to
its saved rows (`SchoollifeConfig.ready`).
"""

from __future__ import annotations

from ecoles.models import Policy
from schoollife import families, register
from schoollife.models import Absence, Mark
from training.models import Attendance, TheorySession, local_day


def sync(student, day, half, *, notify: bool = True) -> Absence | None:
    """Bring the pupil's `Absence` for the half-day in line with the register's state;
    `notify` False: the school knew beforehand (the teacher marked him excused), so the
    office decides the absence but the family is not told of it."""
    # What the roll calls say, the absence itself left aside (it would always win).
    cell = register.build([student], day, day, with_absences=False).get((student.pk, day, half))
    absence = Absence.objects.filter(student=student, day=day, half=half).first()
    if cell is not None and cell.state == Mark.ABSENT:
        if absence is None:
            absence = Absence.objects.create(student=student, day=day, half=half)
        if notify:
            families.notify(absence)
        return absence
    if cell is not None and cell.from_work:
        return absence  # work logged never takes an absence back (R9)
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


def session_saved(sender, instance: TheorySession, raw: bool = False, **kwargs) -> None:
    """A cancelled session counts nothing (R8): the absences its roll call made, nobody
    having worked on them, are taken back with their waiting notices."""
    if raw or instance.cancelled_at is None:
        return
    half = register.half_of(instance.start, Policy.load())
    day = local_day(instance.start)
    for row in instance.attendances.exclude(status=Attendance.Status.PENDING).select_related(
        "student"
    ):
        sync(row.student, day, half, notify=False)
