from django import forms

from ..models import Hub, School


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Comma separated values (.csv), UTF-8 or Windows-1252, up to 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


MAX_LA_LINES = 200


def parse_hub_by_la(text: str) -> dict[str, Hub]:
    """
    "Hillingdon: North" lines (a local authority, a colon, a hub's name or slug) as
    {local authority: hub}. Raises ValidationError naming the first line it cannot read.
    """
    hubs = {key: hub for hub in Hub.objects.all() for key in (hub.name.lower(), hub.slug)}
    mapping: dict[str, Hub] = {}
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LA_LINES:
        raise forms.ValidationError(f"At most {MAX_LA_LINES} local authorities, one a line.")
    for n, line in enumerate(lines, 1):
        la, colon, hub_name = line.partition(":")
        hub = hubs.get(hub_name.strip().lower())
        if not colon or not la.strip():
            raise forms.ValidationError(
                f"Line {n}: write the local authority, a colon, then the hub: “Hillingdon: North”."
            )
        if hub is None:
            raise forms.ValidationError(f"Line {n}: there is no hub “{hub_name.strip()[:60]}”.")
        mapping[" ".join(la.split())[:100]] = hub
    return mapping


class GiasUploadForm(UploadForm):
    hub = forms.ModelChoiceField(
        queryset=Hub.objects.all(),
        required=False,
        empty_label="Keep each school's hub",
        help_text="Put every school in the file in this hub.",
    )
    hub_by_la = forms.CharField(
        label="Hubs by local authority (optional)",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Hillingdon: North\nEaling: South"}),
        help_text="One a line: a local authority as the register names it, a colon, then a "
        "hub. Its schools go in that hub. A “Hub” column in the file, naming each school's "
        "hub, comes first; then this; then the hub above.",
    )

    def clean_hub_by_la(self) -> dict[str, Hub]:
        return parse_hub_by_la(self.cleaned_data.get("hub_by_la", ""))


class StaffUploadForm(UploadForm):
    school = forms.ModelChoiceField(
        queryset=School.objects.all(),
        required=False,
        empty_label="Each row's School URN column",
        help_text="The school these staff belong to.",
    )
