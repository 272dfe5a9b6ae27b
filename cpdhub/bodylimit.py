"""
Refuse a request whose body is larger than anything the site accepts, before reading it.

Django reads an upload in full (to memory or a temporary file) before a form can say it is too
big, so a 600 MB POST costs seconds of a worker and that much disk. This middleware looks only
at the Content-Length header and answers 413 with a page that says the limit, so the body is
never read. The reverse proxy in front has its own limit; this one holds without it. A body sent
without a Content-Length (chunked) is read by Django only up to DATA_UPLOAD_MAX_MEMORY_SIZE for
form fields; files go to disk in chunks (FILE_UPLOAD_MAX_MEMORY_SIZE).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.CPDHUB_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            # The body is left unread: the server (gunicorn) closes the connection after this.
            return render(
                request,
                "413.html",
                {"limit": filesizeformat(limit), "size": filesizeformat(length)},
                status=413,
            )
        return self.get_response(request)
