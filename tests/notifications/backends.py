"""A mail backend that refuses one message, as an SMTP server that drops the connection."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    fail_on: set[int] = set()  # the ordinal numbers (1-based) of send attempts that fail
    attempts = 0

    def send_messages(self, messages):
        sent = 0
        for message in messages:
            FlakyBackend.attempts += 1
            if FlakyBackend.attempts in FlakyBackend.fail_on:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            sent += super().send_messages([message])
        return sent
