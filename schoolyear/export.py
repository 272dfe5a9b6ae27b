"""A person's part of the school's year, for "download my data": their teams, the meetings they
attended and what they wrote they would try (their own words)."""

from __future__ import annotations

from hubs.models import User

from .models import MeetingAttendance, TeamMembership, TryNext


def year_data(user: User) -> dict[str, list]:
    return {
        "teams": [
            {"team": m.team.name, "school": m.team.school.name, "added_at": m.added_at.isoformat(),
             "leader": m.team.leader_id == user.pk}
            for m in TeamMembership.objects.filter(user=user).select_related("team__school")
        ],
        "team_meetings_attended": [
            {"team": a.meeting.team.name, "start": a.meeting.start.isoformat()}
            for a in MeetingAttendance.objects.filter(user=user).select_related("meeting__team")
        ],
        "what_i_will_try": [
            {"team": t.meeting.team.name, "meeting": t.meeting.start.isoformat(), "text": t.text,
             "updated_at": t.updated_at.isoformat()}
            for t in TryNext.objects.filter(user=user).select_related("meeting__team")
        ],
    }  # fmt: skip
