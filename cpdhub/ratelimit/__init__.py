"""
Rate limits: ``limits.py`` counts requests against the limits and refuses with a 429 page;
``ThrottledRequest`` (``models.py``, shown in the admin) records who met one, by the hour.
"""
