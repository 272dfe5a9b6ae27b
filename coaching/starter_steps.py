"""
The starter step library the demo ships (and a new community may load): precise, observable
actions, each with what an observer would see when it is done well and a written model of it
(what it looks and sounds like in a lesson). Written for CPD Hub.
STARTER_STEPS: (category, title, action, success criteria); WRITTEN_MODELS: by title.
"""

from __future__ import annotations

from .models import Category

B, Q, M, E = Category.BEHAVIOUR, Category.QUESTIONING, Category.MODELLING, Category.EXPLANATION
C, F, R, P = Category.CHECKING, Category.FEEDBACK, Category.RETRIEVAL, Category.INDEPENDENT

STARTER_STEPS: list[tuple[str, str, str, str]] = [
    # Behaviour and routines
    (B, "Stand at the door to greet the class",
     "Stand at the classroom door as pupils arrive, greet each by name and point them to the "
     "task already on the board.",
     "Every pupil is greeted; all are seated and writing within 90 seconds of the last one "
     "arriving."),
    (B, "Give instructions in what-to-do order",
     "Give instructions as a short numbered sequence (what, how long, what it looks like when "
     "done), then pause and scan the room before saying \"Go\".",
     "No pupil asks what to do in the first minute; the teacher does not repeat the "
     "instruction."),
    (B, "Narrate the positive",
     "After an instruction, name two or three pupils who are already doing it (\"Row two has "
     "books open, thank you\") before correcting anyone.",
     "Within ten seconds of the narration, at least nine in ten pupils are doing the task."),
    (B, "Use the least invasive correction",
     "Correct off-task behaviour with a look, a gesture or a quiet word at the desk before "
     "naming a pupil in front of the class.",
     "Corrections do not stop the lesson; most are silent or private."),
    (B, "Rehearse one transition",
     "Choose one transition (books out, moving to the carpet, packing away), teach it step by "
     "step, practise it and time it.",
     "The transition takes the agreed time or less and happens without extra instructions."),
    (B, "Hold silence before speaking",
     "Wait for complete silence and all eyes on you before starting to speak; if it breaks, "
     "stop and wait again.",
     "The teacher never talks over pupils; restarts are calm and short."),
    # Questioning
    (Q, "Cold call after thinking time",
     "Ask the question to the whole class, wait at least three seconds, then name the pupil "
     "who will answer.",
     "Every pupil is visibly thinking during the pause; answers come from pupils who did not "
     "put their hands up."),
    (Q, "No opt out",
     "When a pupil says \"I don't know\", take an answer from someone else, then return to the "
     "first pupil to repeat or use it.",
     "Each pupil who could not answer at first gives a correct answer before the exchange "
     "ends."),
    (Q, "Say it again, better",
     "When an answer is partly right, ask the pupil to say it again using the key word or a "
     "full sentence.",
     "The second answer is complete and uses the subject's vocabulary."),
    (Q, "Ask a hinge question",
     "At the point the lesson turns, ask one multiple-choice question whose wrong answers "
     "reveal the likely misconceptions; pupils answer all at once.",
     "The teacher sees every pupil's answer and says what they will do next because of it."),
    (Q, "Probe with follow-up questions",
     "After a correct answer, ask \"How do you know?\" or \"What would happen if…?\" to the same "
     "or another pupil.",
     "At least two follow-up questions in the episode; pupils give reasons, not only answers."),
    # Modelling
    (M, "Think aloud while you model",
     "Complete an example in front of the class, saying aloud each decision you make and why.",
     "Pupils can name the decisions the teacher made when asked afterwards."),
    (M, "I do, we do, you do",
     "Model one example, complete a second with the class taking the decisions, then set a "
     "third for pupils to do alone.",
     "Most pupils complete the third example correctly without help."),
    (M, "Show a worked example beside a problem",
     "Put a fully worked example next to a matching problem and ask pupils to study the "
     "example before solving the problem.",
     "Pupils refer to the example while working; errors on the matching problem are few."),
    (M, "Model with the visualiser",
     "Write or draw the model live under the visualiser rather than showing a finished one.",
     "The model is built step by step at the pace pupils can follow and copy."),
    (M, "Fade the model",
     "Give a sequence of examples with fewer steps shown each time until pupils complete a "
     "whole one.",
     "Pupils complete the final example without the steps on display."),
    # Explanation
    (E, "Chunk the explanation",
     "Split the explanation into short parts and check understanding after each before going "
     "on.",
     "No single stretch of teacher talk is longer than about four minutes."),
    (E, "Use a concrete example first",
     "Introduce a new idea with one concrete example before giving its general rule or "
     "definition.",
     "Pupils can give a new example of their own after the explanation."),
    (E, "Use an example and a non-example",
     "Show a clear example and a close non-example side by side and ask what makes the "
     "difference.",
     "Pupils name the feature that separates the two."),
    (E, "Dual code the explanation",
     "Draw a simple diagram or timeline while you explain, pointing at the part you are "
     "talking about.",
     "The diagram is on the board and pupils use it when they answer questions."),
    (E, "Name the key vocabulary",
     "Introduce two or three key words explicitly: say them, have the class repeat them, and "
     "use each in a sentence.",
     "Pupils use the key words correctly in their answers and writing that lesson."),
    # Checking for understanding
    (C, "Mini-whiteboards: show me",
     "Ask a question, give pupils time to write on mini-whiteboards, then ask all to show at "
     "once on your signal.",
     "The teacher scans every board and acts on what they see before moving on."),
    (C, "Circulate with a plan",
     "During independent work, visit pupils in a planned order, looking for one named error, "
     "and mark it in their book.",
     "The teacher sees every pupil's work within the first five minutes."),
    (C, "Check for listening",
     "After explaining, ask two pupils to repeat a key point in their own words before the "
     "task starts.",
     "Both can restate the point accurately; if not, the teacher explains again."),
    (C, "Use an exit question",
     "End the lesson with one or two questions answered on paper, and sort the answers into "
     "got it / not yet.",
     "The next lesson starts with an activity planned from the sorted answers."),
    (C, "Ask all, not one",
     "Replace \"Does everyone understand?\" with a question every pupil answers (fingers, "
     "whiteboards, a show of cards).",
     "No check for understanding in the lesson relies on pupils saying they understand."),
    # Feedback
    (F, "Whole-class feedback",
     "Read the class's books, note the three most common errors, and open the next lesson by "
     "reteaching them.",
     "Pupils correct the errors in their own work in the lesson."),
    (F, "Live marking",
     "Mark during the lesson with a short code, so pupils act on it before the lesson ends.",
     "Pupils redraft or correct the marked part in the same lesson."),
    (F, "Make feedback a task",
     "Phrase feedback as something to do (\"Add the unit to each answer in questions 3 to "
     "5\") rather than a comment.",
     "Each pupil completes the task and the improvement is visible in the book."),
    (F, "Praise precisely",
     "Praise a specific thing a pupil did well and why it matters, rather than \"Well done\".",
     "Pupils can say what they did well and do it again."),
    (F, "Build in time to act",
     "Give five minutes of the lesson, at a planned point, for pupils to respond to feedback.",
     "Every book shows a response to the last feedback given."),
    # Retrieval practice
    (R, "Do now quiz",
     "Start with five low-stakes questions on earlier topics (last lesson, last week, last "
     "term), answered in silence.",
     "Pupils start within a minute of arriving; answers are checked and errors corrected."),
    (R, "Brain dump",
     "Ask pupils to write everything they remember about a topic for three minutes, then "
     "compare with a partner and the notes.",
     "Pupils add what they missed in a different colour."),
    (R, "Space the questions",
     "Include in each quiz questions from two or more earlier topics, not only the latest.",
     "Quizzes over a fortnight cover at least four topics."),
    (R, "Retrieve before you reteach",
     "Before reteaching a topic, ask pupils to recall what they know about it without their "
     "notes.",
     "The teacher adapts the reteach to the gaps the recall showed."),
    (R, "Low-stakes, no scores shared",
     "Run quizzes where pupils mark their own answers and scores are not collected or "
     "compared.",
     "Pupils attempt every question; nobody is told anyone else's score."),
    # Independent practice
    (P, "Set silent solo practice",
     "After the guided part, set a period of silent independent practice with a clear end "
     "time.",
     "The room is quiet and every pupil is working for the agreed time."),
    (P, "Start with success",
     "Order the independent questions from easier to harder so every pupil gets the first few "
     "right.",
     "Every pupil completes the first three questions correctly."),
    (P, "Stretch without extra sheets",
     "Add one harder question to the end of the same task rather than a separate extension "
     "sheet.",
     "Pupils who finish move on to it without asking."),
    (P, "Name the standard",
     "Before independent work, show what a finished, good answer looks like and name two "
     "features of it.",
     "Pupils' work shows both named features."),
    (P, "Scaffold, then remove",
     "Give a sentence starter or a partly completed table for the first part of the task "
     "only.",
     "Pupils complete the later part without the scaffold."),
    (P, "Stop the class for a common error",
     "When the same error appears in three or more books, stop the class briefly and reteach "
     "that point.",
     "The error does not appear in later work that lesson."),
]  # fmt: skip

# A written model of each starter step done well: what it looks and sounds like in a lesson,
# shown with the step (a school may add a link to its own video).
WRITTEN_MODELS: dict[str, str] = {
    "Stand at the door to greet the class": (
        '"Morning, Amir. Morning, Jess — straight in, the first question is on the board." '
        "One foot in the corridor, one in the room; eyes on the pupils already at their desks "
        "between greetings."
    ),
    "Give instructions in what-to-do order": (
        '"In a moment, not yet: one, open your books to page 12. Two, answer questions 1 to 4 '
        "in silence. Three, you have eight minutes; when you finish, check your units. "
        '(Pause, scan the room.) Go."'
    ),
    "Narrate the positive": (
        '"Pens down and eyes this way… thank you, back table. Thank you, Sam. I can see most of '
        'you ready now." Only then: "Priya, pen down please."'
    ),
    "Use the least invasive correction": (
        "Keep teaching while you walk towards the pupil; a look, then a tap on the open page. "
        "If it continues, crouch beside the desk: \"Question 3 next, please. I'll be back in two "
        'minutes to see it."'
    ),
    "Rehearse one transition": (
        "\"When I say 'carpet', table one stands, pushes in chairs and walks to the front row; "
        "then table two. Let's practise. (Timer on.) Forty seconds. We can do it in thirty: "
        'back to your seats and again."'
    ),
    "Hold silence before speaking": (
        '"I\'ll start when everyone is looking this way." Stand still and wait. Someone '
        "whispers mid-sentence: stop, look towards the sound, wait, then pick up the sentence "
        "exactly where you left it."
    ),
    "Cold call after thinking time": (
        '"Why did the Romans build roads so straight? Everyone think… (three seconds) … '
        'Kai." The name comes after the question, so every pupil prepares an answer.'
    ),
    "No opt out": (
        'Pupil: "I don\'t know." Teacher: "That\'s fine. Leila, what\'s the denominator here?" '
        'Leila: "Eight." Teacher: "Tom, so what\'s the denominator?" Tom: "Eight." '
        '"Good. And how did Leila know?"'
    ),
    "Say it again, better": (
        'Pupil: "It gets hotter." Teacher: "Yes. Say it again using \'temperature\' and '
        '\'increases\'." Pupil: "The temperature of the water increases as we heat it." '
        '"That\'s the answer I want in your book."'
    ),
    "Ask a hinge question": (
        '"Which is the largest: A) 0.5, B) 0.45, C) 0.405, D) 0.0555? Fingers up on three: '
        'one, two, three." Most show A: move on. Many show B or C: reteach place value '
        "before the next step."
    ),
    "Probe with follow-up questions": (
        'Pupil: "It\'s a metaphor." Teacher: "How do you know it isn\'t a simile?" '
        "Pupil: \"There's no 'like' or 'as'.\" Teacher: \"And what would change if the poet "
        'had written it as a simile? Aisha?"'
    ),
    "Think aloud while you model": (
        "\"First I underline what the question is asking: 'explain'. So one point is not "
        "enough — I need a because. I'll start with the cause… I'm not sure 'bad' is precise; "
        "I'll change it to 'unreliable'.\""
    ),
    "I do, we do, you do": (
        '"Watch me balance the first equation." (Works it aloud.) "Now the second together: '
        "what do I do first? Hands down — tell your partner… Right, subtract 3 from both "
        'sides." Then: "The third is yours, in silence, two minutes."'
    ),
    "Show a worked example beside a problem": (
        "Left half of the slide: a fully solved area problem with each step labelled. Right "
        'half: the same kind of problem with different numbers. "Study the left for one minute '
        '— what was done first and why? Then solve the right."'
    ),
    "Model with the visualiser": (
        "The teacher writes the opening sentence of the paragraph live, crossing out and "
        "improving one word while pupils watch, and says: \"Notice I changed 'good' to "
        "'generous' — it tells the reader more.\""
    ),
    "Fade the model": (
        "Example one: every step written. Example two: the last step left blank. Example three: "
        'only the first step given. Example four: "The whole one, on your own."'
    ),
    "Chunk the explanation": (
        '"Part one: what a food chain shows. (Two minutes.) Quick check: point to the '
        'producer on your sheet." Only when most point correctly: "Part two: what happens '
        'when one animal disappears."'
    ),
    "Use a concrete example first": (
        '"Here are twelve sweets shared between three people: four each. That\'s division." '
        "After two more concrete cases: \"So division means sharing equally. Here's the "
        'symbol."'
    ),
    "Use an example and a non-example": (
        "\"'The wind whispered through the trees' is personification. 'The trees moved in the "
        "wind' is not. What's the difference? Talk to your partner for thirty seconds.\""
    ),
    "Dual code the explanation": (
        "While explaining the water cycle, the teacher draws a sea, a cloud and arrows on the "
        'board, and points to each arrow as they say "evaporation", "condensation", '
        '"precipitation".'
    ),
    "Name the key vocabulary": (
        "\"Today's word is 'photosynthesis'. Say it with me: photo-syn-the-sis. It means plants "
        "making food from light. Now put it in a sentence to your partner, starting 'Plants "
        "use photosynthesis to…'\""
    ),
    "Mini-whiteboards: show me": (
        '"Write 3/4 as a decimal. Ten seconds… pens down. Boards up on three: one, two, three." '
        'A scan of the room: "Most of you have 0.75. A few 0.34 — let\'s look at why."'
    ),
    "Circulate with a plan": (
        '"Today I\'m looking for the units." The teacher goes round tables in a set order, '
        "ticking each correct answer and circling each missing unit, then tells the class: "
        '"Seven of you are missing units — check yours now."'
    ),
    "Check for listening": (
        '"Before you start: Jordan, what are the two things your paragraph must include?" '
        'Jordan answers. "Mia, in your own words, when do you stop writing?"'
    ),
    "Use an exit question": (
        "The last five minutes: two questions on a slip of paper. After the lesson the teacher "
        "sorts the slips into two piles and starts tomorrow with the four pupils in the "
        '"not yet" pile.'
    ),
    "Ask all, not one": (
        'Instead of "Everyone OK?": "On your fingers: how many lines of symmetry does a '
        'square have? Show me… now."'
    ),
    "Whole-class feedback": (
        '"I read all your books last night. Three things came up. First, many of you wrote '
        "'would of': it's 'would have'. Let's fix that now in your last paragraph.\""
    ),
    "Live marking": (
        'Walking the room with a green pen: a dot beside a line means "check this line"; '
        '"U" means "add the unit". Pupils fix the line before the lesson ends.'
    ),
    "Make feedback a task": (
        'Not "Use more evidence." Instead: "Add one quotation to paragraph 2 and explain in '
        'one sentence what it shows."'
    ),
    "Praise precisely": (
        'Not "Well done." Instead: "You checked your answer by estimating first — that\'s '
        'how you caught the mistake in question 4."'
    ),
    "Build in time to act": (
        'The lesson plan has "Response time, 10:20 to 10:25". "Green pen out: do the task '
        "in the box at the bottom of your last piece of work. I'll come round.\""
    ),
    "Do now quiz": (
        "On the board as pupils arrive: five questions — two from last lesson, two from last "
        "week, one from last term. Silent, four minutes, answers on the board afterwards, "
        "pupils mark their own."
    ),
    "Brain dump": (
        '"Three minutes: write everything you remember about the causes of the First World '
        'War. Go." Then: "Swap with your partner — add one thing they remembered that you '
        "didn't. Now check your notes: what did you both miss?\""
    ),
    "Space the questions": (
        "This week's quiz: two questions on fractions (this week), two on area (three weeks "
        "ago), one on place value (last term)."
    ),
    "Retrieve before you reteach": (
        '"Before we go back to photosynthesis: books closed. Write down the word equation '
        'from memory. One minute." Then reteach the parts most pupils missed.'
    ),
    "Low-stakes, no scores shared": (
        '"This is for you, not for me: mark your own in green, and circle the ones to revisit. '
        "I won't collect the scores.\""
    ),
    "Set silent solo practice": (
        '"For the next twelve minutes you work alone and in silence. The timer is on the '
        'board. If you are stuck, try the next question and come back."'
    ),
    "Start with success": (
        "The practice sheet's first three questions match the worked example exactly; the "
        "next three change one thing each; the last two combine ideas."
    ),
    "Stretch without extra sheets": (
        'The last question on the same sheet: "Now write your own question whose answer is '
        '24, using two different operations."'
    ),
    "Name the standard": (
        "\"Here's a strong answer from last year. Notice two things: it names the technique, "
        'and it says what effect it has on the reader. Yours needs both."'
    ),
    "Scaffold, then remove": (
        'Paragraph one starts "The writer suggests that… because…"; paragraph two has no '
        'starter. "Use the same shape as paragraph one, in your own words."'
    ),
    "Stop the class for a common error": (
        "\"Pens down for one minute. I've seen the same slip in several books: 3 times 0.2 is 0.6, "
        'not 6. Check question 5 now, then carry on."'
    ),
}
