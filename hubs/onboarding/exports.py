"""CSV exports for the coordinator's admin: every cell safe to open in a spreadsheet."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from import_export import fields, resources

from cpdhub.csvsafe import safe_cell

from ..models import School, User


class SafeResource(resources.ModelResource):
    """A formula typed into a name (``=HYPERLINK(…)``) comes out as text, never as a formula."""

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))


class SchoolExport(SafeResource):
    hub = fields.Field(attribute="hub__name", column_name="hub")

    class Meta:
        model = School
        fields = [
            "urn", "name", "phase", "establishment_type", "local_authority", "postcode",
            "pupil_count", "fsm_percent", "hub",
        ]  # fmt: skip
        export_order = fields


class StaffExport(SafeResource):
    school = fields.Field(attribute="school__name", column_name="school")
    school_urn = fields.Field(attribute="school__urn", column_name="school URN")

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "job_role", "school", "school_urn"]
        export_order = fields


def csv_response(resource: resources.ModelResource, queryset, name: str) -> HttpResponse:
    data = resource.export(queryset=queryset)
    response = HttpResponse(data.csv, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
