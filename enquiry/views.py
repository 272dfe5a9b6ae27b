"""
Enquiry's pages. A group is looked up among the person's own (selectors.group_for), so anyone
who is not a current member, leaders and the coordinator included, gets 404 for its page, its
files and its draft write-up. Every write is a POST through a service, which checks its rule.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cpdhub.forms import errors_to_form
from cpdhub.paging import page_of

from . import permissions, selectors, services, writeups
from .forms import (
    AnswerForm,
    GroupForm,
    GroupStatusForm,
    InviteForm,
    LeaveForm,
    LibraryFilterForm,
    LogForm,
    PortfolioForm,
    ReadingForm,
    WriteUpForm,
)
from .models import Group, Invitation, LogEntry, ReadingItem, WriteUp


def _group(request, pk: int) -> Group:
    try:
        return selectors.group_for(request.user, pk)
    except Group.DoesNotExist:
        raise Http404 from None


# --- /enquiries/ -------------------------------------------------------------------------


def home(request):
    return render(
        request,
        "enquiry/home.html",
        {"page": selectors.my_enquiries(request.user), "answer_form": AnswerForm()},
    )


def group_new(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(by=request.user, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Your group is started: invite colleagues from any school.")
            return redirect(group)
    return render(
        request, "enquiry/group_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def join(request, pk: int):
    try:
        group = selectors.open_group(pk)
    except Group.DoesNotExist:
        raise Http404 from None
    services.group_join(group=group, by=request.user)
    messages.success(request, "You have joined the group.")
    return redirect(group)


@require_POST
def invitation_answer(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk, user=request.user)
    form = AnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.invitation_answer(invitation=invitation, by=request.user, accept=accept)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if accept:
                messages.success(request, "You have joined the group.")
                return redirect("enquiry:group", pk=invitation.group_id)
            messages.success(request, "You declined the invitation; we have told them.")
    return redirect("enquiry:home")


# --- /enquiries/<id>/ --------------------------------------------------------------------


def _group_page(request, group: Group, status: int = 200, **forms):
    user = request.user
    page = selectors.group_page(
        group, lambda items: page_of(request, items, per_page=selectors.LOG_PER_PAGE)
    )
    write_up = page.write_up
    context = {
        "page": page,
        "group": group,
        "me": user,
        "can_write": permissions.can_write(user, group),
        "can_manage": permissions.can_manage(user, group),
        "can_edit_write_up": permissions.can_edit_write_up(user, group, write_up),
        "can_agree": permissions.can_agree(user, group, write_up)
        and user.pk not in page.agreed_ids,
        "log_form": forms.get("log_form") or LogForm(),
        "reading_form": forms.get("reading_form") or ReadingForm(),
        "invite_form": forms.get("invite_form") or InviteForm(),
        "status_form": forms.get("status_form")
        or GroupStatusForm(initial={"status": group.status, "planned_end": group.planned_end}),
        "leave_form": LeaveForm(),
    }
    return render(request, "enquiry/group.html", context, status=status)


def group(request, pk: int):
    return _group_page(request, _group(request, pk))


@require_POST
def log_add(request, pk: int):
    group = _group(request, pk)
    permissions.require_can_write(request.user, group)
    form = LogForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.log_add(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "It is in the group's log.")
            return redirect(group)
    return _group_page(request, group, status=400, log_form=form)


def log_file(request, pk: int, log_pk: int):
    group = _group(request, pk)
    item = get_object_or_404(LogEntry, pk=log_pk, group=group, kind=LogEntry.Kind.FILE)
    try:
        handle = item.file.open("rb")
    except (OSError, ValueError):
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def log_delete(request, pk: int, log_pk: int):
    group = _group(request, pk)
    item = get_object_or_404(LogEntry, pk=log_pk, group=group)
    services.log_delete(entry=item, by=request.user)
    messages.success(request, "Your log entry is deleted.")
    return redirect(group)


@require_POST
def reading_add(request, pk: int):
    group = _group(request, pk)
    permissions.require_can_write(request.user, group)
    form = ReadingForm(request.POST)
    if form.is_valid():
        try:
            services.reading_add(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "It is on the reading list.")
            return redirect(group)
    return _group_page(request, group, status=400, reading_form=form)


@require_POST
def reading_delete(request, pk: int, reading_pk: int):
    group = _group(request, pk)
    item = get_object_or_404(ReadingItem, pk=reading_pk, group=group)
    services.reading_delete(item=item, by=request.user)
    messages.success(request, "It is taken off the reading list.")
    return redirect(group)


@require_POST
def invite(request, pk: int):
    group = _group(request, pk)
    permissions.require_can_invite(request.user, group)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                group=group, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, f"{invitation.user.full_name} is invited: we have emailed them."
            )
            return redirect(group)
    return _group_page(request, group, status=400, invite_form=form)


@require_POST
def group_status(request, pk: int):
    group = _group(request, pk)
    permissions.require_can_manage(request.user, group)
    form = GroupStatusForm(request.POST)
    if form.is_valid():
        try:
            services.group_update(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The group's status and timeline are saved.")
            return redirect(group)
    return _group_page(request, group, status=400, status_form=form)


@require_POST
def leave(request, pk: int):
    group = _group(request, pk)
    form = LeaveForm(request.POST)
    delete_mine = form.is_valid() and form.cleaned_data["delete_mine"]
    services.group_leave(group=group, by=request.user, delete_mine=delete_mine)
    messages.success(request, "You have left the group.")
    return redirect("enquiry:home")


# --- The write-up ------------------------------------------------------------------------


def write_up_edit(request, pk: int):
    group = _group(request, pk)
    write_up = WriteUp.objects.filter(group=group).first()
    permissions.require_can_edit_write_up(request.user, group, write_up)
    initial = {} if write_up else {"question": group.question}
    form = WriteUpForm(request.POST or None, instance=write_up, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            writeups.write_up_save(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                "The draft is saved. Every member now agrees to it as it stands before it is "
                "published.",
            )
            return redirect(group)
    return render(
        request,
        "enquiry/write_up_form.html",
        {"form": form, "group": group, "write_up": write_up},
        status=400 if form.errors else 200,
    )


@require_POST
def write_up_agree(request, pk: int):
    group = _group(request, pk)
    write_up = WriteUp.objects.filter(group=group).first()
    if writeups.write_up_agree(group=group, by=request.user):
        messages.success(request, "Everyone has agreed: the write-up is in the library.")
        return redirect(write_up)
    messages.success(request, "You agree to publish the draft as it stands.")
    return redirect(group)


# --- /enquiries/library/ -----------------------------------------------------------------


def library(request):
    form = LibraryFilterForm(request.GET or None)
    page = page_of(request, selectors.library(**form.filters()), per_page=20)
    for write_up in page.object_list:
        write_up.authors = selectors.authors(write_up)
    return render(request, "enquiry/library.html", {"form": form, "page_obj": page})


def _published(pk: int) -> WriteUp:
    try:
        return selectors.published_write_up(pk)
    except WriteUp.DoesNotExist:
        raise Http404 from None


def write_up(request, pk: int):
    found = _published(pk)
    found.authors = selectors.authors(found)
    was_member = selectors.was_member(request.user, found.group_id)
    return render(
        request,
        "enquiry/write_up.html",
        {
            "write_up": found,
            "can_add": permissions.can_add_to_portfolio(request.user, found, was_member=was_member),
        },
    )


def write_up_portfolio(request, pk: int):
    found = _published(pk)
    permissions.require_can_add_to_portfolio(
        request.user, found, was_member=selectors.was_member(request.user, found.group_id)
    )
    form = PortfolioForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = writeups.write_up_to_portfolio(
                write_up=found, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The write-up is in your portfolio log.")
            return redirect(entry)
    return render(
        request,
        "enquiry/portfolio_add.html",
        {"form": form, "write_up": found},
        status=400 if form.errors else 200,
    )
