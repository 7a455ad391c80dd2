from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class SchoollifeConfig(AppConfig):
    name = "schoollife"
    verbose_name = _("School life")

    def ready(self) -> None:
        from schoollife import families, indicators, listeners, reasons, register
        from students.indicators import add_section
        from training import recording

        # A new school starts with the legal absence reasons (after migrate, or a flush).
        post_migrate.connect(reasons.ensure_reasons, sender=self, dispatch_uid="schoollife.reasons")
        # A theory roll call's absences feed the same flow as the workshop's (R9).
        post_save.connect(
            listeners.attendance_saved,
            sender="training.Attendance",
            dispatch_uid="schoollife.theory_absences",
        )
        # A cancelled session's absences go with it (R8).
        post_save.connect(
            listeners.session_saved,
            sender="training.TheorySession",
            dispatch_uid="schoollife.session_cancelled",
        )
        # No production is logged inside a recorded absence (R9): training asks us.
        if register.absent_spans not in recording.ABSENCE_SOURCES:
            recording.ABSENCE_SOURCES.append(register.absent_spans)
        # The indicators page (students) shows the year's attendance and leavers (R6, R9).
        add_section(indicators.compute)
        # Family notices leave on the school's one mail path (ecoles.mail).
        families.register_mails()
