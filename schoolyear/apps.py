from django.apps import AppConfig


class SchoolYearConfig(AppConfig):
    """The school's year in three streams: teams and their meeting cycles, the school's
    priorities, and the year planner (INSET days, twilights, protected weeks), published to
    staff and their calendar feeds."""

    name = "schoolyear"
    verbose_name = "School year"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cpd_sessions.calendar import register_feed_source  # noqa: PLC0415 -- AppConfig.ready
        from hubs.onboarding.departments import (  # noqa: PLC0415 -- AppConfig.ready
            register_department_handler,
        )

        from . import tasks  # noqa: F401, PLC0415 -- AppConfig.ready: Celery's discovery
        from .calendar import feed_events  # noqa: PLC0415 -- AppConfig.ready
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready
        from .teams import departments_join  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
        register_feed_source(feed_events)
        register_department_handler(departments_join)
