"""
What the community's structure announces when a person leaves, for every app to answer.

Both are sent by ``hubs.services`` *inside* the removal's transaction, so a receiver's writes
commit or roll back with it; receivers do their own app's part through their own services and
defer anything outside the database (files, mail) with ``transaction.on_commit``.

- ``user_deactivated(sender=User, user, by)``: the person has left (``is_active`` is now off).
- ``user_deleting(sender=User, user, by)``: the person's account is about to be deleted; their
  rows still exist, so receivers can find what to clean up before the cascade.
"""

from django.dispatch import Signal

user_deactivated = Signal()
user_deleting = Signal()
