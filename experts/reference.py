"""The CPD themes every community starts with (ensured after every migrate)."""

from django.utils.text import slugify

from .models import ExpertiseArea

C = ExpertiseArea.Category
AREAS = [
    ("Questioning", C.PEDAGOGY, "questions, hinge questions, cold calling, no hands up"),
    ("Retrieval practice", C.PEDAGOGY, "low-stakes quizzing, spaced practice, recall"),
    ("Feedback", C.PEDAGOGY, "marking, whole-class feedback, verbal feedback"),
    (
        "Assessment for learning",
        C.PEDAGOGY,
        "AfL, formative assessment, checking for understanding",
    ),
    (
        "Explicit instruction",
        C.PEDAGOGY,
        "direct instruction, modelling, worked examples, I do we do you do",
    ),
    ("Metacognition", C.PEDAGOGY, "self-regulation, thinking about thinking, EEF metacognition"),
    ("Oracy", C.PEDAGOGY, "talk, speaking and listening, discussion, voice 21"),
    ("Adaptive teaching", C.PEDAGOGY, "differentiation, scaffolding, responsive teaching"),
    ("Cognitive load", C.PEDAGOGY, "working memory, cognitive science"),
    (
        "Early reading and phonics",
        C.CURRICULUM,
        "phonics, early reading, systematic synthetic phonics, SSP",
    ),
    ("Reading fluency", C.CURRICULUM, "fluency, reading comprehension, guided reading"),
    ("Writing", C.CURRICULUM, "extended writing, sentence construction, grammar"),
    ("Maths mastery", C.CURRICULUM, "mastery, manipulatives, CPA, concrete pictorial abstract"),
    ("Curriculum design", C.CURRICULUM, "curriculum intent, sequencing, progression"),
    ("Subject knowledge: science", C.CURRICULUM, "science, practicals, working scientifically"),
    ("Subject knowledge: geography", C.CURRICULUM, "geography, fieldwork, locational knowledge"),
    ("Subject knowledge: history", C.CURRICULUM, "history, chronology, historical enquiry"),
    (
        "Subject knowledge: languages",
        C.CURRICULUM,
        "MFL, French, Spanish, German, modern foreign languages",
    ),
    ("SEND", C.INCLUSION, "special educational needs, SENCo, EHCP, inclusion"),
    ("Autism", C.INCLUSION, "autistic pupils, ASC, ASD"),
    ("EAL", C.INCLUSION, "English as an additional language, new arrivals"),
    ("Disadvantaged pupils", C.INCLUSION, "pupil premium, PP, FSM, disadvantage gap"),
    ("Behaviour management", C.BEHAVIOUR, "behaviour, classroom management, routines"),
    ("Wellbeing and workload", C.BEHAVIOUR, "staff wellbeing, workload, mental health"),
    ("Attendance", C.BEHAVIOUR, "persistent absence, attendance"),
    ("Coaching", C.LEADERSHIP, "instructional coaching, coaching conversations"),
    ("Mentoring early-career teachers", C.LEADERSHIP, "ECT, ECF, NQT, induction, mentor"),
    ("Middle leadership", C.LEADERSHIP, "subject leadership, heads of department, NPQLTD"),
    ("Data use", C.LEADERSHIP, "assessment data, tracking, analysis"),
    ("Lesson study", C.LEADERSHIP, "collaborative enquiry, research lesson, peer observation"),
    ("Parental engagement", C.COMMUNITY, "parents, families, home learning"),
    ("Transition", C.COMMUNITY, "Year 6 to Year 7, KS2 to KS3 transition"),
]


def ensure_expertise_areas(**kwargs) -> None:
    existing = set(ExpertiseArea.objects.values_list("slug", flat=True))
    ExpertiseArea.objects.bulk_create(
        [
            ExpertiseArea(name=name, slug=slugify(name), category=category, synonyms=synonyms)
            for name, category, synonyms in AREAS
            if slugify(name) not in existing
        ]
    )
