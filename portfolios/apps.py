from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"
    verbose_name = "Portfolios"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The sessions app announces attendance and feedback; the portfolio logs them. A receiver
        # here (not a call from cpd_sessions.services) keeps cpd_sessions free of any import of
        # this app: see portfolios/receivers.py for the reasoning.
        from cpd_sessions.evaluation import register_follow_up_source  # noqa: PLC0415 -- AppConfig.ready
        from cpd_sessions.interests import register_area_source  # noqa: PLC0415 -- AppConfig.ready
        from cpd_sessions.signals import attendance_marked, attendance_unmarked, feedback_given  # noqa: PLC0415 -- AppConfig.ready

        from . import receivers, selectors, suggestions  # noqa: PLC0415 -- AppConfig.ready
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready

        attendance_marked.connect(receivers.log_attendance, dispatch_uid="portfolios.attendance")
        attendance_unmarked.connect(
            receivers.withdraw_attendance, dispatch_uid="portfolios.attendance_unmarked"
        )
        feedback_given.connect(receivers.fill_from_feedback, dispatch_uid="portfolios.feedback")
        register_area_source(suggestions.working_on_area_ids)
        # A session's evaluation shows its attendees' follow-up levels (counts only).
        register_follow_up_source(selectors.session_follow_up_levels)
        register_emails()

        # A deleted account's attachment files leave the disk (hubs.services.user_delete);
        # a deactivated owner's shares stop showing to others (visibility.py, owner__is_active).
        from hubs.signals import user_deleting  # noqa: PLC0415 -- AppConfig.ready

        user_deleting.connect(
            receivers.delete_attachment_files, dispatch_uid="portfolios.left.files"
        )
