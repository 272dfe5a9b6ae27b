"""
The default framework, made sure of after every ``migrate`` (and each test flush): the DfE
Standard for teachers' professional development (2016), its five parts and our own short
criteria for each, and four levels. Found by slug, so a coordinator's edits in the admin are
kept; only what is missing is added.

Based on the Standard for teachers' professional development, Department for Education, July
2016. Crown copyright, under the Open Government Licence v3.0. The criteria below are CPD Hub's
own wording, not the Standard's text.
"""

from __future__ import annotations

DEFAULT_SLUG = "dfe-standard-2016"
SOURCE_URL = (
    "https://www.gov.uk/government/publications/standard-for-teachers-professional-development"
)
SOURCE = (
    "Based on the Standard for teachers' professional development (Department for Education, "
    "2016). Contains public sector information licensed under the Open Government Licence "
    "v3.0; Crown copyright. The criteria are written in our own words."
)

LEVELS = [
    (1, "Not yet", "We do not do this yet, or only here and there."),
    (2, "Developing", "We have started: it happens for some staff, some of the time."),
    (3, "Embedded", "It is how we work: most staff, most of the time, and we can show it."),
    (4, "Leading", "Embedded, and we help other schools do it too."),
]

# (figures, title, what staff are asked, [criteria in our own words])
PARTS = [
    (
        "outcomes",
        "A focus on improving and evaluating pupil outcomes",
        "The CPD I take part in is clearly about helping my pupils do better.",
        [
            "Each piece of CPD starts from what pupils need to learn or do better.",
            "Staff say before they begin how they will know it made a difference for pupils.",
            "We look back at the effect on pupils, not only at whether staff enjoyed it.",
            "What we find out about impact shapes what we plan next.",
        ],
    ),
    (
        "evidence",
        "Underpinned by robust evidence and expertise",
        "The CPD I take part in draws on good evidence and real expertise.",
        [
            "What we learn is grounded in sound research and tested practice.",
            "Staff are helped to weigh evidence and to fit it to their own classes.",
            "Sessions are led by people with real expertise in the subject or approach.",
        ],
    ),
    (
        "collaboration",
        "Includes collaboration and expert challenge",
        "I work on my practice with colleagues, and someone with expertise challenges me.",
        [
            "Staff work on their teaching together: planning, trying and reviewing as a group.",
            "Someone with expertise, from inside or outside the school, challenges our thinking.",
            "Collaboration has a clear purpose and is not just time spent together.",
        ],
    ),
    (
        "sustained",
        "Sustained over time",
        "My CPD carries on over time, with chances to try things and come back to them.",
        [
            "Development runs over terms, not a single session.",
            "Staff have time to try ideas in class, reflect and refine them.",
            "One-off events are linked into a longer programme.",
        ],
    ),
    (
        "leadership",
        "Prioritised by school leadership",
        "Leaders in my school make CPD a priority and give it time.",
        [
            "Leaders give time and money to CPD and protect it from other demands.",
            "Leaders model learning themselves and take part.",
            "CPD is planned around the school's priorities and each person's needs.",
            "Leaders check how well CPD is working and act on what they find.",
        ],
    ),
]


def ensure_default_framework(**kwargs) -> None:
    from .models import Criterion, Framework, Level, Part  # noqa: PLC0415 -- post_migrate: the app is ready

    framework, _ = Framework.objects.get_or_create(
        slug=DEFAULT_SLUG,
        defaults={
            "name": "DfE Standard for teachers' professional development (2016)",
            "source": SOURCE,
            "source_url": SOURCE_URL,
            "is_default": not Framework.objects.filter(is_default=True).exists(),
        },
    )
    for rank, name, description in LEVELS:
        Level.objects.get_or_create(
            framework=framework, rank=rank, defaults={"name": name, "description": description}
        )
    for number, (figures, title, statement, criteria) in enumerate(PARTS, start=1):
        part, _ = Part.objects.get_or_create(
            framework=framework,
            number=number,
            defaults={"title": title, "figures": figures, "survey_statement": statement},
        )
        for c_number, text in enumerate(criteria, start=1):
            Criterion.objects.get_or_create(part=part, number=c_number, defaults={"text": text})
