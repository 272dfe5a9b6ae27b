from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """
    Required training with expiry (safeguarding, Prevent, first aid): what the community or a
    school requires of its staff, each person's completions and certificates, the school's
    staff by requirements matrix and its export for an inspection, and reminders before and on
    expiry. Beside coaching and enquiry: above cpd_sessions (a session's register records a
    completion, through its ``attendance_marked`` signal) and hubs; below coordination and
    privacy, which export it.
    """

    name = "training"
    verbose_name = "Required training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cpd_sessions.signals import attendance_marked  # noqa: PLC0415 -- AppConfig.ready
        from hubs.signals import user_deleting  # noqa: PLC0415 -- AppConfig.ready

        from . import receivers  # noqa: PLC0415 -- AppConfig.ready
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
        attendance_marked.connect(receivers.record_attendance, dispatch_uid="training.attendance")
        user_deleting.connect(receivers.forget_certificates, dispatch_uid="training.deleting")
