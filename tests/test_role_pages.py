"""A page for a role the person does not have answers 403, with a sentence saying whose page it
is and a way back, the same everywhere (a teacher opening the needs audit once got a 404)."""

import pytest

pytestmark = pytest.mark.django_db

ROLE_PAGES = [
    "/portfolio/needs/audit/",
    "/portfolio/needs/community/",
    "/sessions/approvals/",
    "/sessions/budgets/",
    "/coordinator/",
    "/experts/stale/",
]


@pytest.mark.parametrize("path", ROLE_PAGES)
def test_a_teacher_gets_403_with_a_sentence_and_a_way_back(client, personas, path):
    client.force_login(personas.owner)
    response = client.get(path)
    assert response.status_code == 403
    html = response.content.decode()
    assert "You can&#x27;t do that here" in html or "You can't do that here" in html
    reason = response.context["reason"]
    assert reason
    assert reason.endswith(".")
    assert 'href="/"' in html  # the way back
