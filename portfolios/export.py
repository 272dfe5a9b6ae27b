"""My whole portfolio as plain data, to take with me to another school (JSON export)."""

from __future__ import annotations

from django.utils import timezone

from notifications.rendering import absolute_url

from .models import ImpactFollowUp, year_label

FORMAT_VERSION = 1


def _follow_up(entry) -> dict | None:
    try:
        follow_up = entry.follow_up
    except ImpactFollowUp.DoesNotExist:
        return None
    return {
        "due_on": follow_up.due_on,
        "answered_at": follow_up.answered_at,
        "tried": follow_up.tried,
        "level": follow_up.level,
        "level_label": follow_up.get_level_display() if follow_up.level else "",
        "what_happened": follow_up.what_happened,
    }


def portfolio_as_data(user, portfolio: dict) -> dict:
    return {
        "format": "cpdhub-portfolio",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "owner": {
            "name": user.full_name,
            "email": user.email,
            "school": user.school.name if user.school_id else None,
            "job_role": user.get_job_role_display(),
        },
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "description": goal.description,
                "areas": [area.name for area in goal.areas.all()],
                "success_criteria": goal.success_criteria,
                "source": goal.get_source_display(),
                "academic_year": year_label(goal.academic_year),
                "status": goal.status,
                "reviews": [{"date": r.date, "note": r.note} for r in goal.reviews.all()],
                "shared_with_cpd_leader": goal.share_with_leaders,
                "shared_with": [person.email for person in goal.shared_with.all()],
            }
            for goal in portfolio["goals"]
        ],
        "entries": [
            {
                "id": entry.pk,
                "date": entry.date,
                "kind": entry.get_kind_display(),
                "title": entry.title,
                "hours": entry.hours,
                "what_i_learned": entry.learned,
                "what_i_will_try": entry.will_try,
                "impact_on_my_practice": entry.impact_practice,
                "impact_on_pupils": entry.impact_pupils,
                "evidence": entry.evidence,
                "links": entry.link_list,
                "goals": [goal.pk for goal in entry.goals.all()],
                "attachments": [
                    {
                        "name": item.original_name,
                        "content_type": item.content_type,
                        "size": item.size,
                        "url": absolute_url(item.get_absolute_url()),
                    }
                    for item in entry.attachments.all()
                ],
                "follow_up": _follow_up(entry),
                "shared_with_cpd_leader": entry.share_with_leaders,
                "shared_with": [person.email for person in entry.shared_with.all()],
            }
            for entry in portfolio["entries"]
        ],
        "needs": [
            {
                "area": need.area.name,
                "description": need.description,
                "priority": need.priority,
                "status": need.status,
                "goal": need.goal_id,
                "recorded_at": need.created_at,
            }
            for need in portfolio["needs"]
        ],
        "statements": [
            {"academic_year": year_label(s.academic_year), "text": s.text}
            for s in portfolio["statements"]
        ],
    }
