import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded evidence goes to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


# Live experts need a term window ("confirmed this term or last") to be suggested.
from tests.experts.conftest import terms_around_today  # noqa: E402, F401
