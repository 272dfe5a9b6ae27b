from tests.notifications.conftest import digest_term, flaky, https  # noqa: F401
