"""The bounds every model and form of the sessions app keeps: text lengths, money, places."""

from __future__ import annotations

from decimal import Decimal

MONEY = {"max_digits": 9, "decimal_places": 2, "default": Decimal("0.00")}

# Free-text bounds: what a person would write, far below what slows a page. Forms say so in
# their help text; the model's max_length makes the admin and full_clean keep them too.
DESCRIPTION_MAX = 5_000
MATERIALS_MAX = 2_000
FEEDBACK_TEXT_MAX = 2_000
WILL_CHANGE_MAX = 2_000  # a session lead's "what we will change", shared with everyone involved
CANCEL_REASON_MAX = 300
# The academic years a budget or ledger row may be for (2026 is 2026/27): those a page accepts
# (``cpdhub.academic_year.parse_year_label``).
FIRST_YEAR, LAST_YEAR = 1990, 2100

# Bounds a real school never exceeds (form validators, help texts and CheckConstraints use these).
MAX_FEE = Decimal("20000.00")  # a consultant's fee for one session
MAX_SUPPLY_PER_DAY = Decimal("1000.00")  # supply cover, per day the session meets
MAX_TRAVEL = Decimal("1000.00")
MAX_RELEASE_TOTAL = Decimal("5000.00")  # supply + travel + fee share of one release
MAX_ALLOCATION = Decimal("20000.00")  # one person's CPD budget for a year
MAX_COVER_LESSONS = 40
MAX_CAPACITY = 500  # places on one session
MAX_GOAL_LENGTH = 2000
