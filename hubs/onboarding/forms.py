from django import forms

from ..models import Hub, School
from .staff import FIELDS


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Comma separated values (.csv), UTF-8 or Windows-1252, up to 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class GiasUploadForm(UploadForm):
    hub = forms.ModelChoiceField(
        queryset=Hub.objects.all(),
        required=False,
        empty_label="Keep each school's hub",
        help_text="Put every school in the file in this hub.",
    )


class StaffUploadForm(UploadForm):
    school = forms.ModelChoiceField(
        queryset=School.objects.all(),
        required=False,
        empty_label="Each row's School URN column",
        help_text="The school these staff belong to.",
    )


def column_map_fields(unmapped: list[str]) -> dict[str, forms.ChoiceField]:
    """One choice per unrecognised column of the file: which of our fields it holds."""
    choices = [("", "Ignore this column"), *FIELDS.items()]
    return {
        f"map_{i}": forms.ChoiceField(label=f"Column “{column}”", choices=choices, required=False)
        for i, column in enumerate(unmapped)
    }
