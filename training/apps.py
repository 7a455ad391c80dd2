from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from training import timetable
        from training.models import SessionPattern

        # Sessions follow their group (R8, R9): a pupil joining or leaving a cohort, a
        # workshop or the school, however saved (form, leaving, import, admin), and the
        # picked pupils of a weekly session.
        post_save.connect(
            timetable.student_saved,
            sender="students.Student",
            dispatch_uid="training.sessions_follow_groups",
        )
        m2m_changed.connect(
            timetable.picked_changed,
            sender=SessionPattern.students.through,
            dispatch_uid="training.sessions_follow_picked",
        )
