"""
Schools from the register (Get Information about Schools, GIAS): a CSV extract, by its own
column names, matched on URN. The rows go through a django-import-export Resource, which gives
each row's outcome (new, update, skip, error) and the model validation; the file is streamed in
batches so a several-MB extract never sits in memory whole. The whole file is one transaction:
a file with an error, or a dry run, writes nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import fields, instance_loaders, resources, widgets

from ..models import Hub, School, SchoolDomain
from .files import ImportFileError, cell, open_csv_text

URN = "URN"
NAME = "EstablishmentName"
TYPE = "TypeOfEstablishment (name)"
PHASE = "PhaseOfEducation (name)"
LA = "LA (name)"
POSTCODE = "Postcode"
PUPILS = "NumberOfPupils"
FSM = "PercentageFSM"
STATUS = "EstablishmentStatus (name)"
REQUIRED = [URN, NAME, TYPE, PHASE, LA, POSTCODE, PUPILS, FSM, STATUS]
DOMAIN = "EmailDomain"  # optional: not in the register; a network may add it to its extract
HUB = "Hub"  # optional: each row's hub (its name or slug), so one file can fill several hubs

BATCH = 500
MAX_ERRORS_SHOWN = 50
MAX_ROWS_SHOWN = 500  # the preview's table of schools; the summary counts them all

TYPES = {label.lower(): value for value, label in School.EstablishmentType.choices}
PHASES = {label.lower(): value for value, label in School.Phase.choices}


class _HubWidget(widgets.ForeignKeyWidget):
    """The hub chosen for the whole file: looked up once, not once a row."""

    def __init__(self) -> None:
        super().__init__(Hub)
        self.known: dict[str, Hub] = {}

    def clean(self, value, row=None, **kwargs):
        if value not in self.known:
            self.known[value] = super().clean(value, row, **kwargs)
        return self.known[value]


class SchoolResource(resources.ModelResource):
    urn = fields.Field(attribute="urn", column_name="urn", widget=widgets.IntegerWidget())
    hub = fields.Field(attribute="hub", column_name="hub", widget=_HubWidget())

    class Meta:
        model = School
        import_id_fields = ["urn"]
        fields = [
            "urn",
            "name",
            "establishment_type",
            "phase",
            "local_authority",
            "postcode",
            "pupil_count",
            "fsm_percent",
            "hub",
        ]
        clean_model_instances = True  # the model's own rules: postcode, FSM 0 to 100
        skip_unchanged = True
        report_skipped = True
        # Speed (2,000 schools in seconds, not minutes): one query per batch finds the known
        # URNs, new and changed schools are written with bulk_create/bulk_update per batch,
        # and no HTML diff is drawn (nobody sees it).
        instance_loader_class = instance_loaders.CachedInstanceLoader
        use_bulk = True
        batch_size = BATCH
        skip_html_diff = True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """
        The model's field rules and ``clean`` (postcode), without the per-row queries Django
        would make: the URN's uniqueness is the instance loader's match plus the file's own
        duplicate check (``gias_import``), the URN range is checked by ``_clean_row``, the
        hub is the one chosen for the file, and the FSM range is checked here in Python
        rather than by a query per constraint. The database constraints still hold at save.
        """
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, "hub"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        fsm = instance.fsm_percent
        if fsm is not None and not 0 <= fsm <= 100 and "fsm_percent" not in errors:
            errors["fsm_percent"] = ["FSM % must be between 0 and 100."]
        if errors:
            raise ValidationError(errors)


@dataclass
class GiasResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = True
    rows: list[dict] = field(default_factory=list)
    rows_more: int = 0

    def add_row(self, *, line: int, urn: str, name: str, hub: str, outcome: str) -> None:
        """One school of the file and what happens to it, for the preview (the first few)."""
        if len(self.rows) < MAX_ROWS_SHOWN:
            self.rows.append(
                {"line": line, "urn": urn, "name": name, "hub": hub, "outcome": outcome}
            )
        else:
            self.rows_more += 1

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def done(self) -> int:
        return self.new + self.updated + self.unchanged + self.closed + self.error_count

    def add_error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(message)

    def summary(self) -> str:
        if not self.ok:
            return (
                f"{self.error_count} row(s) have errors, so nothing was imported. "
                "Correct them and try again."
            )
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.new} new school(s) {verb} added and {self.updated} updated; "
            f"{self.unchanged} unchanged; {self.closed} closed establishment(s) skipped."
        )


def _number(value: str, kind, line: int, column: str, result: GiasResult):
    if not value or value.upper() in {"SUPP", "NE", "NA", "N/A"}:
        return ""
    try:
        return str(kind(value))
    except (ValueError, InvalidOperation):
        result.add_error(f"Line {line}: {column} “{value[:40]}” is not a number.")
        return None


class _Hubs:
    """The hubs a file may name (by name or slug, any case) and local authorities map to."""

    def __init__(self, *, by_la: dict[str, Hub] | None = None) -> None:
        self.all = list(Hub.objects.order_by("name"))
        self.by_key = {key: hub for hub in self.all for key in (hub.name.lower(), hub.slug)}
        self.by_la = {la.strip().lower(): hub for la, hub in (by_la or {}).items()}

    def named(self, value: str) -> Hub | None:
        return self.by_key.get(value.strip().lower())


def _row_hub(row: dict, line: int, hub: Hub | None, hubs: _Hubs, result: GiasResult):
    """
    A row's hub: its own Hub column, else its local authority's hub (the mapping given), else
    the hub chosen for the whole file, else None (a known school keeps its hub). False: the
    row names a hub there is not.
    """
    named = cell(row.get(HUB))
    if named:
        found = hubs.named(named)
        if found is None:
            known = ", ".join(h.name for h in hubs.all[:10]) or "none yet"
            result.add_error(f"Line {line}: there is no hub “{named[:60]}” (hubs: {known}).")
            return False
        return found
    by_la = hubs.by_la.get(cell(row.get(LA)).lower())
    return by_la or hub


def _clean_row(row: dict, line: int, hub: Hub | None, result: GiasResult) -> dict | None:
    urn = cell(row.get(URN))
    if not urn.isdigit() or not 100000 <= int(urn) <= 999999:
        result.add_error(f"Line {line}: the URN “{urn[:40]}” is not a six-digit number.")
        return None
    name = cell(row.get(NAME))
    if not name or len(name) > 200:
        result.add_error(f"Line {line} (URN {urn}): the school's name is missing or too long.")
        return None
    pupils = _number(cell(row.get(PUPILS)), int, line, PUPILS, result)
    fsm = _number(cell(row.get(FSM)), Decimal, line, FSM, result)
    if pupils is None or fsm is None:
        return None
    if fsm:
        fsm = str(Decimal(fsm).quantize(Decimal("0.1")))
    clean = {
        "urn": urn,
        "name": name,
        "establishment_type": TYPES.get(cell(row.get(TYPE)).lower(), "other"),
        "phase": PHASES.get(cell(row.get(PHASE)).lower(), School.Phase.NOT_APPLICABLE),
        "local_authority": cell(row.get(LA))[:100],
        "postcode": cell(row.get(POSTCODE)),
        "pupil_count": pupils,
        "fsm_percent": fsm,
    }
    if hub is not None:
        clean["hub"] = str(hub.pk)
    return clean


def _import_batch(resource, batch, lines, result: GiasResult, hub_names: dict[int, str]) -> None:
    if any("hub" in row for row in batch):
        # Rows that name no hub keep the one they have (one query for the batch), rather
        # than losing it because another row of the batch names one.
        kept = dict(
            School.objects.filter(urn__in=[int(r["urn"]) for r in batch if "hub" not in r])
            .exclude(hub=None)
            .values_list("urn", "hub_id")
        )
        for row in batch:
            if "hub" not in row:
                row["hub"] = str(kept.get(int(row["urn"]), ""))
    headers = list(dict.fromkeys(key for row in batch for key in row))
    dataset = tablib.Dataset(headers=headers)
    for row in batch:
        dataset.append([row.get(h, "") for h in dataset.headers])
    outcome = resource.import_data(dataset, dry_run=False, use_transactions=False)
    for line, row, row_result in zip(lines, batch, outcome.rows, strict=True):
        kind = row_result.import_type
        shown = {
            "line": line,
            "urn": row["urn"],
            "name": row["name"],
            "hub": hub_names.get(int(row["hub"])) if row.get("hub") else "",
        }
        if kind == row_result.IMPORT_TYPE_NEW:
            result.new += 1
            result.add_row(**shown, outcome="new")
        elif kind == row_result.IMPORT_TYPE_UPDATE:
            result.updated += 1
            result.add_row(**shown, outcome="updated")
        elif kind == row_result.IMPORT_TYPE_SKIP:
            result.unchanged += 1
            result.add_row(**shown, outcome="unchanged")
        elif kind == row_result.IMPORT_TYPE_INVALID:
            for column, messages in row_result.validation_error.message_dict.items():
                result.add_error(f"Line {line}: {column.replace('_', ' ')}: {' '.join(messages)}")
        else:
            for error in row_result.errors:
                result.add_error(f"Line {line}: {error.error}")
    for error in outcome.base_errors:
        result.add_error(f"The file could not be read: {error.error}")


def _set_domains(domains: dict[str, str], result: GiasResult) -> None:
    """Each school's sign-up domain from the file: checked, then added in one insert."""
    schools = dict(School.objects.filter(urn__in=domains).values_list("urn", "pk"))
    wanted: dict[str, str] = {}
    for urn, given in domains.items():
        candidate = SchoolDomain(domain=given)
        try:
            candidate.clean()
        except ValidationError as error:
            reason = " ".join(error.message_dict["domain"])
            result.add_error(f"URN {urn}: “{given[:60]}”: {reason}")
            continue
        if candidate.domain in wanted:
            result.add_error(f"URN {urn}: the domain {candidate.domain} is in the file twice.")
            continue
        wanted[candidate.domain] = urn
    owners = dict(SchoolDomain.objects.filter(domain__in=wanted).values_list("domain", "school_id"))
    new = []
    for domain, urn in wanted.items():
        owner = owners.get(domain)
        if owner is not None and owner != schools.get(int(urn)):
            result.add_error(f"URN {urn}: the domain {domain} belongs to another school.")
        elif owner is None and int(urn) in schools:
            new.append(SchoolDomain(school_id=schools[int(urn)], domain=domain))
    SchoolDomain.objects.bulk_create(new, batch_size=BATCH)


def gias_import(
    *,
    raw: BinaryIO,
    hub: Hub | None = None,
    hub_by_la: dict[str, Hub] | None = None,
    dry_run: bool = True,
    progress=None,
) -> GiasResult:
    """
    Import or refresh schools from a GIAS CSV extract in ``raw`` (bytes). New schools are
    added, known URNs have their name, size, FSM % and details refreshed, closed establishments
    are skipped. Each school's hub: the file's optional Hub column (a hub's name or slug), else
    ``hub_by_la`` for its local authority, else ``hub`` for the whole file, else the hub it has.
    ``dry_run``, or any row with an error, writes nothing. Raises ImportFileError for a file
    that is not a GIAS CSV. ``progress(rows done)``, when given, is called after each batch
    (the background job's bar). The result lists the first MAX_ROWS_SHOWN schools.
    """
    result = GiasResult(dry_run=dry_run)
    hubs = _Hubs(by_la=hub_by_la)
    hub_names = {h.pk: h.name for h in hubs.all}
    text = open_csv_text(raw)
    reader = csv.DictReader(text)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            "This is not a Get Information about Schools extract: it has no "
            + ", ".join(f"“{m}”" for m in missing)
            + " column. Download “All establishment data” (CSV) from the register."
        )
    reader.fieldnames = header
    resource = SchoolResource()
    seen: set[str] = set()
    domains: dict[str, str] = {}
    with transaction.atomic():
        batch, lines = [], []
        try:
            for row in reader:
                line = reader.line_num
                if not any(cell(v) for k, v in row.items() if k is not None):
                    continue  # blank line, or a line of commas
                if cell(row.get(STATUS)).lower() == "closed":
                    result.closed += 1
                    result.add_row(
                        line=line,
                        urn=cell(row.get(URN))[:6],
                        name=cell(row.get(NAME))[:200],
                        hub="",
                        outcome="closed: skipped",
                    )
                    continue
                row_hub = _row_hub(row, line, hub, hubs, result)
                if row_hub is False:
                    continue
                clean = _clean_row(row, line, row_hub, result)
                if clean is None:
                    continue
                if clean["urn"] in seen:
                    result.add_error(f"Line {line}: URN {clean['urn']} is in the file twice.")
                    continue
                seen.add(clean["urn"])
                if cell(row.get(DOMAIN)):
                    domains[clean["urn"]] = cell(row.get(DOMAIN))
                batch.append(clean)
                lines.append(line)
                if len(batch) >= BATCH:
                    _import_batch(resource, batch, lines, result, hub_names)
                    batch, lines = [], []
                    if progress is not None:
                        progress(result.done)
        except csv.Error as error:
            raise ImportFileError(
                f"Line {reader.line_num}: this is not a valid CSV file ({error})."
            ) from None
        if batch:
            _import_batch(resource, batch, lines, result, hub_names)
        if result.ok and domains:
            _set_domains(domains, result)
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    if not result.done:
        raise ImportFileError("This file has a header but no schools in it.")
    return result
