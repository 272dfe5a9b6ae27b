"""Enquiry rows for tests, made through the services a person would use."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from enquiry import services, writeups
from enquiry.models import Group, Kind, WriteUp
from experts.models import ExpertiseArea

QUESTION = (
    "How can we improve the way we teach fractions to Year 5 pupils who struggle with place value?"
)
SECRET_LOG = "Secret log: the bar model confused two pupils in set 3"
SECRET_NOTE = "Secret reading note: chapter 4 argues against it"
SECRET_DRAFT = "Secret draft: exit tickets improved in two classes"


def area(slug: str = "questioning") -> ExpertiseArea:
    return ExpertiseArea.objects.get(slug=slug)


def group(owner, *members, status: str = Group.Status.OPEN, slug: str = "questioning") -> Group:
    """A group started by ``owner`` with ``members`` joined (opened to them if need be)."""
    made = services.group_create(
        by=owner, question=QUESTION, kind=Kind.LESSON_STUDY, areas=[area(slug)], status="open"
    )
    for member in members:
        services.group_join(group=made, by=member)
    if status != Group.Status.OPEN:
        made = services.group_update(group=made, by=owner, status=status, planned_end=None)
    return made


def text_file(name: str = "plan.txt", content: bytes = b"Our plan for the research lesson."):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def work(made: Group, author, *, secret: str = SECRET_LOG):
    """A note, a file and a reading-list item by ``author``."""
    note = services.log_add(group=made, by=author, kind="note", text=secret)
    upload = services.log_add(
        group=made, by=author, kind="file", text="", upload=text_file(content=secret.encode())
    )
    item = services.reading_add(
        group=made,
        by=author,
        title="EEF guidance",
        url="https://example.test/eef",
        note=SECRET_NOTE,
    )
    return note, upload, item


def publish(made: Group, *people, tried: str = "Bar models first", happened: str = SECRET_DRAFT):
    """A write-up drafted by the first person and agreed by everyone: published."""
    writeups.write_up_save(
        group=made, by=people[0], question=made.question, tried=tried, happened=happened,
        next_steps="Year 4 next",
    )  # fmt: skip
    for person in people:
        writeups.write_up_agree(group=made, by=person)
    return WriteUp.objects.get(group=made)
