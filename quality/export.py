"""
A person's part in quality reviews for "download my data" (privacy/collect.py): the survey
invitations they were sent (whether they answered, never what: the answers point at nobody, so
nothing can find them for anyone), the reviews they started, rated, peer-reviewed or accepted,
and the actions they own or added.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Action, Finding, PeerReview, Rating, Review, Survey, SurveyInvite


def quality_data(user, rows: Callable) -> dict[str, list]:
    """``rows`` is the export's row writer (privacy.collect.rows)."""
    return {
        "staff_surveys_you_were_sent": rows(
            SurveyInvite.objects.filter(user=user), leave_out={"token_hash"}
        ),
        "reviews_you_started": rows(Review.objects.filter(started_by=user)),
        "ratings_you_last_saved": rows(Rating.objects.filter(updated_by=user)),
        "peer_reviews_you_made": rows(PeerReview.objects.filter(reviewer=user)),
        "findings_you_wrote": rows(Finding.objects.filter(peer_review__reviewer=user)),
        "staff_surveys_you_opened": rows(Survey.objects.filter(opened_by=user)),
        "peer_reviews_you_invited_or_accepted": rows(
            PeerReview.objects.filter(invited_by=user).exclude(reviewer=user)
            | PeerReview.objects.filter(accepted_by=user).exclude(reviewer=user)
        ),
        "actions_you_own": rows(Action.objects.filter(owner=user)),
        "actions_you_added": rows(Action.objects.filter(created_by=user).exclude(owner=user)),
    }
