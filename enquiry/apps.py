from django.apps import AppConfig


class EnquiryConfig(AppConfig):
    """
    Collaborative enquiry and lesson study: groups across schools, their reading list and shared
    log, write-ups published to the community's library once every member agrees. What a group
    writes is for its members only. Beside coaching: above portfolios (a published write-up may
    be added to a member's log); below coordination and privacy, which count it and export it.
    """

    name = "enquiry"
    verbose_name = "Enquiry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hubs.signals import user_deleting  # noqa: PLC0415 -- AppConfig.ready

        from . import receivers  # noqa: PLC0415 -- AppConfig.ready
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
        user_deleting.connect(receivers.forget_leaver, dispatch_uid="enquiry.left.deleting")
        user_deleting.connect(receivers.forget_visitor, dispatch_uid="enquiry.visits.deleting")
