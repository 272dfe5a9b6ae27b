"""
A person's enquiry work for "download my data" (privacy/collect.py): the groups they are or were
in, with everything they wrote there (log entries, reading-list items), the write-ups of those
groups (written together: each member's data), their invitations and agreements. What other
members wrote in the log is theirs: it is not in this person's download.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import (
    Agreement,
    CasePupil,
    Cycle,
    Group,
    InterviewNote,
    Invitation,
    LogEntry,
    Membership,
    Observation,
    ObserverRelease,
    PeerVisit,
    Prediction,
    ReadingItem,
    WriteUp,
)


def enquiry_data(user, rows: Callable) -> dict[str, list]:
    """``rows`` is the export's row writer (privacy.collect.rows)."""
    mine = Group.objects.filter(memberships__user=user).distinct()
    return {
        "groups": rows(mine),
        "memberships": rows(Membership.objects.filter(user=user)),
        "groups_you_started_or_own": rows(
            Group.objects.filter(created_by=user).exclude(pk__in=mine)
            | Group.objects.filter(owner=user).exclude(pk__in=mine)
        ),
        "log_entries_you_wrote": rows(LogEntry.objects.filter(author=user)),
        "reading_you_added": rows(ReadingItem.objects.filter(added_by=user)),
        "write_ups_of_your_groups": rows(WriteUp.objects.filter(group__in=mine)),
        "write_ups_you_edited_elsewhere": rows(
            WriteUp.objects.filter(updated_by=user).exclude(group__in=mine)
        ),
        # Lesson-study cycles of their groups (the plan and discussion are written together;
        # the case pupils are codes), and what they wrote against each case pupil.
        "lesson_study_cycles_of_your_groups": rows(Cycle.objects.filter(group__in=mine)),
        "case_pupils_of_your_groups": rows(CasePupil.objects.filter(cycle__group__in=mine)),
        "predictions_you_made": rows(Prediction.objects.filter(by=user)),
        "observations_you_made": rows(Observation.objects.filter(observer=user)),
        "interview_notes_you_wrote": rows(InterviewNote.objects.filter(by=user)),
        "release_to_observe_research_lessons": rows(ObserverRelease.objects.filter(observer=user)),
        "agreements_to_publish": rows(Agreement.objects.filter(user=user)),
        "invitations_to_you": rows(Invitation.objects.filter(user=user)),
        "invitations_you_sent": rows(Invitation.objects.filter(invited_by=user)),
    }


def files_of(user):
    """The files the person added to groups' logs, each with the name it has in the zip."""
    for entry in LogEntry.objects.filter(author=user, kind=LogEntry.Kind.FILE).order_by("pk"):
        yield f"files/enquiry-{entry.group_id}-{entry.pk}-{entry.original_name}", entry


def visit_data(user, rows: Callable) -> dict[str, list]:
    """Peer visits for "download my data": those the person asked for (with their notes and
    thanks), hosted, or answered for their school (without the visitor's notes and thanks,
    which are the visitor's)."""
    theirs = {"notes", "notes_shared", "thanks"}
    return {
        "visits_you_asked_for": rows(PeerVisit.objects.filter(visitor=user)),
        "visits_you_hosted": rows(
            PeerVisit.objects.filter(host=user).exclude(visitor=user), leave_out=theirs
        ),
        "visits_you_answered": rows(
            PeerVisit.objects.filter(decided_by=user).exclude(visitor=user), leave_out=theirs
        ),
    }
