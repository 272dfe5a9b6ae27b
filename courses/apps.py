from django.apps import AppConfig


class CoursesConfig(AppConfig):
    """
    External courses and providers, colleagues' reviews of them, requests to attend one, and
    the outside networks (Maths Hubs, Research Schools, subject associations) that serve the
    community's schools. Above portfolios and cpd_sessions: a request to attend is a release
    request on a private session (cpd_sessions' queue, budget ledger and decision emails), and
    attending one is a portfolio entry. Below coordination, privacy and demo.
    """

    name = "courses"
    verbose_name = "Courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from experts.extras import register_search_extra  # noqa: PLC0415 -- AppConfig.ready
        from hubs.signals import user_deleting  # noqa: PLC0415 -- AppConfig.ready

        from . import receivers, selectors  # noqa: PLC0415 -- AppConfig.ready

        register_search_extra(selectors.directory_courses)
        user_deleting.connect(receivers.forget_reviewer, dispatch_uid="courses.reviews.deleting")
