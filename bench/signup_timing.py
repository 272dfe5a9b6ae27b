"""
Sign-up answers in the same time whether or not the address has an account (each path hashes
the password once, with the production hasher). Run on SQLite, nothing else set:

    .venv/bin/python -m pytest -p no:xdist -q -s bench/signup_timing.py

It prints the median time of 12 sign-ups with a taken address and 12 with new ones.
"""

import statistics
import time

import pytest
from django.conf import global_settings

from hubs.models import User
from tests.factories import SchoolDomainFactory, UserFactory


@pytest.mark.django_db
def test_sign_up_takes_as_long_for_a_taken_address(client, settings, capsys):
    settings.ACCOUNT_RATE_LIMITS = False
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.CPDHUB_RATE_LIMITS_ENABLED = False
    dom = SchoolDomainFactory()
    existing = UserFactory(email=f"taken@{dom.domain}")

    def post(email):
        t = time.perf_counter()
        r = client.post(
            "/accounts/signup/",
            {
                "email": email,
                "first_name": "A",
                "last_name": "B",
                "job_role": "teacher",
                "password1": "a-Long-pass-2026!",
                "password2": "a-Long-pass-2026!",
            },
        )
        client.cookies.clear()
        return (time.perf_counter() - t) * 1000, r.status_code

    old, new = [], []
    for i in range(12):
        old.append(post(existing.email)[0])
        new.append(post(f"new{i}@{dom.domain}")[0])
    with capsys.disabled():
        print("\ncreated", User.objects.filter(email__startswith="new").count())
        taken, fresh = statistics.median(old), statistics.median(new)
        print(f"\nexisting: median {taken:.0f} ms; new: median {fresh:.0f} ms")
