"""What a staff import did, row by row: each row's outcome, the counts, the summary in words
and what an import job keeps (bounded whatever the file's size)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

MAX_SHOWN = 500  # rows without an error kept for the preview page (the counts cover every row)
MAX_ERRORS_SHOWN = 500  # rows with an error kept; the rest are in the download of rejected rows


class Outcome:
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    INVITED = "invited"
    ERROR = "error"


@dataclass
class StaffRow:
    line: int
    email: str
    name: str
    outcome: str
    message: str = ""


@dataclass
class StaffResult:
    dry_run: bool = True
    import_good_rows: bool = False
    rows: list[StaffRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    # Unrecognised job titles and how many rows have each (the first MAX_UNKNOWN_ROLES).
    unknown_roles: dict[str, int] = field(default_factory=dict)
    welcomed: int = 0
    joined: int = 0  # people added to a team (the Department column)
    teams_made: int = 0
    _shown: dict[bool, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.counts.get(Outcome.ERROR)

    @property
    def errors(self) -> int:
        return self.counts.get(Outcome.ERROR, 0)

    @property
    def good(self) -> int:
        return self.done - self.errors

    @property
    def written(self) -> bool:
        """Whether the good rows are (or would be, in a preview) saved."""
        return self.ok or self.import_good_rows

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    @property
    def not_listed(self) -> int:
        """Rows counted but not kept in the result (the page says how many)."""
        return self.done - len(self.rows)

    def add(self, row: StaffRow) -> None:
        """Count every row; keep the first MAX_ERRORS_SHOWN errors and MAX_SHOWN others, so
        the stored result and its page stay small whatever the file's size."""
        self.counts[row.outcome] = self.counts.get(row.outcome, 0) + 1
        error = row.outcome == Outcome.ERROR
        shown = self._shown.get(error, 0)
        if shown < (MAX_ERRORS_SHOWN if error else MAX_SHOWN):
            self._shown[error] = shown + 1
            self.rows.append(row)

    def summary(self) -> str:
        c = self.counts
        errors = c.get(Outcome.ERROR, 0)
        if not self.written:
            return (
                f"{errors} row(s) have errors, so nothing was imported. Correct the file and "
                "upload it again"
                + (", or import the good rows and download the rest." if self.good else ".")
            )
        verb = "would be" if self.dry_run else "were"
        text = (
            f"{c.get(Outcome.NEW, 0)} new account(s) {verb} made, {c.get(Outcome.UPDATED, 0)} "
            f"updated, {c.get(Outcome.UNCHANGED, 0)} unchanged and "
            f"{c.get(Outcome.INVITED, 0)} invited."
        )
        if errors:
            text += f" {errors} row(s) with errors {verb} left out: download them to correct."
        if self.joined or self.teams_made:
            text += (
                f" {self.joined} {'person' if self.joined == 1 else 'people'} "
                f"{'was' if verb == 'were' and self.joined == 1 else verb} added to "
                f"their department's team ({self.teams_made} new team(s))."
            )
        if self.welcomed:
            text += f" {self.welcomed} welcome email(s) {verb} sent."
        return text

    def as_json(self) -> dict:
        """What an import job keeps: bounded by the caps above, whatever the file's size."""
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "import_good_rows": self.import_good_rows,
            "summary": self.summary(),
            "counts": self.counts,
            "good": self.good,
            "errors": self.errors,
            "unmapped": self.unmapped[:100],
            "unknown_roles": self.unknown_roles,
            "not_listed": self.not_listed,
            "welcomed": self.welcomed,
            "joined": self.joined,
            "teams_made": self.teams_made,
            "rows": [asdict(row) for row in self.rows],
        }
