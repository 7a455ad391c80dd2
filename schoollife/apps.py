from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class SchoollifeConfig(AppConfig):
    name = "schoollife"
    verbose_name = _("School life")

    def ready(self) -> None:
        from schoollife import families, indicators, listeners
        from students.indicators import add_section

        # A theory roll call's absences feed the same flow as the workshop's (R9).
        post_save.connect(
            listeners.attendance_saved,
            sender="training.Attendance",
            dispatch_uid="schoollife.theory_absences",
        )
        # A pupil with work logged in a half-day is present in it (R9).
        post_save.connect(
            listeners.work_saved,
            sender="training.WorkLog",
            dispatch_uid="schoollife.work_logged",
        )
        # The indicators page (students) shows the year's attendance and leavers (R6, R9).
        add_section(indicators.compute)
        # Family notices leave on the school's one mail path (ecoles.mail).
        families.register_mails()
