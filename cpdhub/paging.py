"""Every list page shows a page at a time: the page of a list, from its own query parameter
(a page with two lists pages each on its own). A bad or too-large page number shows the first
or the last page, never an error."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def page_of(request, items, *, param: str = "page", per_page: int = PER_PAGE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get(param))
