"""
The demo teacher's lesson-study group has two cycles (demo.py calls ``seed_cycles``): the first
done (case pupils A to C, a prediction for each, what each did in the research lesson, an
interview, the discussion), the second planned with its date and case pupils.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import CasePupil, Cycle, Group, InterviewNote, Observation, Prediction

PUPILS = {
    "A": (
        "Working below expected in place value",
        "Will place 3/4 before 1/2 on the number line, reading the bigger digit as bigger.",
        "Placed 3/4 after 1/2 once she had drawn the bar model; kept the bar on her whiteboard.",
    ),
    "B": (
        "Confident with procedures, rarely explains",
        "Will get the answers right and not say why.",
        "Explained 2/4 = 1/2 to his partner using the bar model, unprompted.",
    ),
    "C": (
        "New to English, strong in number",
        "Will follow the model but not join the discussion.",
        "Pointed and used the sentence stem “… is bigger because …” twice.",
    ),
}


def seed_cycles(group: Group, teacher, colleague, third, today: datetime.date) -> None:
    Cycle.objects.filter(group=group).delete()  # seeded afresh each time
    done = Cycle.objects.create(
        group=group, number=1, status=Cycle.Status.DISCUSSED,
        lesson_date=today - datetime.timedelta(days=10), host_school_id=teacher.school_id,
        lesson_start=datetime.time(9, 0), lesson_end=datetime.time(10, 0),
        discussed_at=timezone.now() - datetime.timedelta(days=8),
        plan="Comparing fractions on a number line: a bar model first, then placing 1/2, 3/4 "
        "and 2/3 on one line, with a talk partner.",
        discussion="A and B did better than we predicted once the bar model was on the table; "
        "C joined in with the sentence stem. Next: keep the bar model, add the number line "
        "earlier, and predict more carefully for pupils who rarely explain.",
    )  # fmt: skip
    for code, (description, predicted, did) in PUPILS.items():
        pupil = CasePupil.objects.create(cycle=done, code=code, description=description)
        Prediction.objects.create(case_pupil=pupil, by=teacher, text=predicted)
        Observation.objects.create(case_pupil=pupil, observer=colleague, text=did)
        if code == "A":
            InterviewNote.objects.create(
                case_pupil=pupil, by=third,
                text="“The bar helped me see which is more. I drew it again at the end.”",
            )  # fmt: skip
    planned = Cycle.objects.create(
        group=group, number=2, lesson_date=today + datetime.timedelta(days=14),
        lesson_start=datetime.time(10, 40), lesson_end=datetime.time(11, 40),
        host_school_id=colleague.school_id,
        plan="Equivalent fractions with the number line from the start of the lesson.",
    )  # fmt: skip
    for code, description in (("A", "Working below expected in place value"),
                              ("B", "Confident with procedures, rarely explains")):  # fmt: skip
        CasePupil.objects.create(cycle=planned, code=code, description=description)
