"""Enterprises and their alert profiles in a spreadsheet, as organizers keep them (docs/enterprises-csv.md).

Format, in short:

- UTF-8 (a byte-order mark is fine), first line the column names below (any order, case ignored;
  only ``enterprise_id`` is required as a column, a missing column counts as empty, an unknown one is
  an error). Cells are separated by « , » — or « ; » or a tab, as the first line shows (French
  Excel writes « ; »).
- **One row per profile.** The enterprise columns repeat on each row of the enterprise (or stay
  empty after its first row); they must agree. A row without ``profile_id`` only adds a subscriber,
  or registers an enterprise that has no profile yet.
- Each row may add **one subscriber** to its enterprise (``subscriber_*`` and ``consent_*``
  columns); an enterprise's subscribers are those of all its rows, in order. A subscriber needs
  the three consent columns (CASL).
- Multi-valued cells (``regions_served``, ``unspsc``, ``keywords``, ``excluded``, ``regions``,
  ``categories``, ``buyers_allow``, ``buyers_deny``) hold items separated by « ; ».

Columns and values:

    enterprise_id          required; any text without « ; », 100 characters at most (so is profile_id)
    enterprise_name        required on the enterprise's first row
    neq                    10 digits (spaces allowed)
    legal_form             coop | non-profit | mutual | other (default); coopérative, OBNL, OSBL…
    regions_served         region codes: 01–17 (« 1 » is read « 01 »), QC, CA
    profile_id             empty on a row that only adds a subscriber
    profile_name, active   active: yes/oui (default) or no/non
    unspsc                 2, 4, 6 or 8 digits (76, 7611, 761115, 76111501, 76110000)
    keywords, excluded     words or phrases (several words = a phrase; quotes optional)
    regions                region codes, as regions_served; empty = anywhere
    categories             goods | services | works (biens, services, travaux); empty = all
    min_value, max_value   dollars: 45000, 45 000, 45 000,50 $; max ≥ min
    buyers_allow/deny      buyer names or identifiers, compared without case or accents
    subscriber_email       simple syntax check
    subscriber_name
    subscriber_language    fr (default) | en
    subscriber_frequency   instant | daily (default) | weekly (immédiat, quotidien, hebdomadaire)
    consent_at             required with an e-mail: ISO date or date-time, Québec time if no offset
    consent_how            required with an e-mail, e.g. « formulaire web ESJA »
    consent_wording        required with an e-mail: version of the consent text shown
    manages_space          yes/oui: the subscriber may manage the enterprise's space; empty or no: not.
                           When none of an enterprise's subscribers says yes, its first one does

A profile needs a UNSPSC code or a keyword (otherwise it would never be alerted).

A cell may not begin with « = », « + », « - » or « @ »: a spreadsheet would run it as a formula (OWASP
« CSV injection »); the export puts an apostrophe before such a cell kept from elsewhere.

All or nothing: when any cell is wrong, nothing is imported and every error is reported with its
line (as a spreadsheet numbers it: the header is line 1) and column. A file that is not CSV text in
UTF-8 (a workbook, UTF-16, Windows-1252…) is one error, naming the format to save it in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from esja.matching import csv_cells as cells
from esja.matching.profile_cells import PROFILE_COLUMNS, joined, profile_cells, read_profile
from esja.model import Consent, Enterprise, Frequency, Language, LegalForm, Profile, Subscriber

ENTERPRISE_COLUMNS = ("enterprise_id", "enterprise_name", "neq", "legal_form", "regions_served")
SUBSCRIBER_COLUMNS = (
    "subscriber_email",
    "subscriber_name",
    "subscriber_language",
    "subscriber_frequency",
    "consent_at",
    "consent_how",
    "consent_wording",
    "manages_space",
)
COLUMNS = ENTERPRISE_COLUMNS + PROFILE_COLUMNS + SUBSCRIBER_COLUMNS
MAX_ID_LENGTH = 100  # characters of an enterprise's or a profile's id
FORMULA_STARTS = ("=", "+", "-", "@")  # what a spreadsheet runs as a formula (tab and CR: cells are trimmed)
# A workbook's first bytes: saved as .xlsx or .ods (a zip) or .xls (an OLE file) instead of CSV.
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_UTF16 = (b"\xff\xfe", b"\xfe\xff")  # Excel's « Texte Unicode »

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CsvError:
    line: int
    column: str | None
    fr: str
    en: str

    def message(self, language: str = "fr") -> str:
        """« ligne 4, colonne unspsc : code UNSPSC invalide « 7611x » »."""
        if language == "en":
            where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
            return f"{where}: {self.en}"
        where = f"ligne {self.line}, colonne {self.column}" if self.column else f"ligne {self.line}"
        return f"{where}\u00a0: {self.fr}"

    def __str__(self) -> str:
        return self.message("fr")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What a file holds; when `errors` is not empty, `enterprises` and `profiles` are empty."""

    enterprises: tuple[Enterprise, ...] = ()
    profiles: tuple[Profile, ...] = ()
    errors: tuple[CsvError, ...] = ()
    first_lines: Mapping[str, int] = field(default_factory=dict, compare=False)  # enterprise id → its first line

    @property
    def ok(self) -> bool:
        return not self.errors


def read_profiles_file(data: bytes) -> ImportResult:
    """A file as uploaded or read from disk: CSV text in UTF-8 (with or without a byte-order mark)."""
    text = _utf8_text(data)
    return read_profiles_csv(text) if isinstance(text, str) else ImportResult(errors=(text,))


def read_profiles_csv(text: str) -> ImportResult:
    text = text.removeprefix("\ufeff")
    # Strict: a quote never closed is an error, not the rest of the file in one cell (whatever the csv module's
    # field size limit, which esja.sources.canadabuys raises for the process).
    rows = csv.reader(io.StringIO(text), delimiter=_delimiter(text), strict=True)
    end_of_previous = 0  # the line before the row being read: its errors name the line it starts on
    try:
        header = next(rows, None)
        if header is None or not any(h.strip() for h in header):
            return ImportResult(errors=(CsvError(1, None, "fichier vide", "empty file"),))
        reader = _Reader()
        columns = reader.header([h.strip().lower() for h in header])
        end_of_previous = rows.line_num
        for cells_ in rows:
            line, end_of_previous = end_of_previous + 1, rows.line_num
            if any(c.strip() for c in cells_):
                reader.row(line, {name: cells_[i].strip() for i, name in columns if i < len(cells_)})
    except csv.Error:  # a quote never closed, or text after a closing quote
        return ImportResult(errors=(_unreadable(end_of_previous + 1),))
    return reader.result()


def read_rows(rows: Iterable[tuple[int, Mapping[str, str]]]) -> ImportResult:
    """Cells already apart (column → text), each row with the line its errors name: the organizers' console
    reads its enterprise form through here, with the spreadsheet's own validation."""
    reader = _Reader()
    for line, row in rows:
        reader.row(line, {column: text.strip() for column, text in row.items() if column in COLUMNS})
    return reader.result()


def write_profiles_csv(enterprises: Iterable[Enterprise], profiles: Iterable[Profile]) -> str:
    """The file `read_profiles_csv` reads back as the same enterprises and profiles (but for a cell a spreadsheet
    would run as a formula, which the import refuses: it is written after an apostrophe, as text)."""
    by_enterprise: dict[str, list[Profile]] = {}
    for profile in profiles:
        by_enterprise.setdefault(profile.enterprise_id, []).append(profile)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for enterprise in enterprises:
        own, subscribers = by_enterprise.pop(enterprise.id, []), enterprise.subscribers
        for i in range(max(len(own), len(subscribers), 1)):
            row = enterprise_cells(enterprise)
            row |= profile_cells(own[i]) if i < len(own) else {}
            row |= subscriber_cells(subscribers[i]) if i < len(subscribers) else {}
            writer.writerow([_as_text(row.get(c, "")) for c in COLUMNS])
    if by_enterprise:
        raise ValueError(f"profiles of unknown enterprises: {', '.join(sorted(by_enterprise))}")
    return out.getvalue()


@dataclass(slots=True)
class _Enterprise:
    line: int
    name: str
    neq: str | None
    legal_form: LegalForm
    regions_served: tuple[str, ...]
    subscribers: dict[str, Subscriber] = field(default_factory=dict)


class _Reader:
    """Accumulates rows, and every error, before deciding anything."""

    def __init__(self) -> None:
        self.errors: list[CsvError] = []
        self.enterprises: dict[str, _Enterprise] = {}
        self.profiles: dict[tuple[str, str], Profile] = {}
        self.line = 0
        self.cells: dict[str, str] = {}

    def header(self, names: list[str]) -> list[tuple[int, str]]:
        for name in names:
            if name and name not in COLUMNS:
                self._error(1, name, "colonne inconnue", "unknown column")
        if "enterprise_id" not in names:
            self._error(1, "enterprise_id", "colonne obligatoire absente", "required column missing")
        return [(i, name) for i, name in enumerate(names) if name in COLUMNS]

    def row(self, line: int, row: dict[str, str]) -> None:
        self.line, self.cells = line, row
        for column in COLUMNS:  # first, so that a formula's cell says so rather than what it fails to be
            if row.get(column, "").startswith(FORMULA_STARTS):
                self._error(
                    line,
                    column,
                    f"commence par «\u00a0{row[column][0]}\u00a0» : un tableur l'exécuterait comme une formule",
                    f"starts with “{row[column][0]}”: a spreadsheet would run it as a formula",
                )
        for column in ("enterprise_id", "profile_id"):  # a part of a DynamoDB key, which is bounded
            if len(row.get(column, "")) > MAX_ID_LENGTH:
                too_long = f"{MAX_ID_LENGTH} caractères au plus", f"{MAX_ID_LENGTH} characters at most"
                self._error(line, column, f"identifiant trop long : {too_long[0]}", f"id too long: {too_long[1]}")
        enterprise_id = self._required("enterprise_id")
        if not enterprise_id:
            return
        enterprise = self._enterprise(enterprise_id)
        if row.get("profile_id"):
            self._profile(enterprise_id)
        else:
            for column in PROFILE_COLUMNS:
                if row.get(column):
                    self._error(line, column, "profil sans profile_id", "profile without a profile_id")
        if row.get("subscriber_email"):
            self._subscriber(enterprise)
        else:
            for column in SUBSCRIBER_COLUMNS[1:]:
                if row.get(column):
                    self._error(line, column, "abonné sans adresse courriel", "subscriber without an e-mail")

    def result(self) -> ImportResult:
        if self.errors:
            one_per_cell = {(e.line, e.column): e for e in reversed(self.errors)}  # the first said of each cell
            return ImportResult(errors=tuple(sorted(one_per_cell.values(), key=_reading_order)))
        enterprises = tuple(
            Enterprise(id_, e.name, e.neq, e.legal_form, e.regions_served, tuple(e.subscribers.values()))
            for id_, e in self.enterprises.items()
        )
        lines = {id_: e.line for id_, e in self.enterprises.items()}
        return ImportResult(enterprises, tuple(self.profiles.values()), first_lines=lines)

    def _enterprise(self, enterprise_id: str) -> _Enterprise:
        known = self.enterprises.get(enterprise_id)
        if known is None:
            name = self._required("enterprise_name")
        else:
            name = self.cells.get("enterprise_name", "") or known.name
        enterprise = _Enterprise(
            self.line,
            name,
            self._parse("neq", cells.neq, None),
            self._parse("legal_form", cells.legal_form, "other"),
            self._parse("regions_served", cells.region_codes, ()),
        )
        if known is None:
            self.enterprises[enterprise_id] = enterprise
            return enterprise
        # Later rows may leave the enterprise columns empty; what they do say must agree.
        for column, mine, theirs in (
            ("enterprise_name", enterprise.name, known.name),
            ("neq", enterprise.neq, known.neq),
            ("legal_form", enterprise.legal_form, known.legal_form),
            ("regions_served", enterprise.regions_served, known.regions_served),
        ):
            if self.cells.get(column) and mine != theirs:
                self._error(
                    self.line,
                    column,
                    f"diffère de la ligne {known.line} pour la même entreprise",
                    f"differs from line {known.line} for the same enterprise",
                )
        return known

    def _profile(self, enterprise_id: str) -> None:
        profile_id = self.cells["profile_id"]
        profile, problems = read_profile(enterprise_id, profile_id, self.cells)
        for problem in problems:
            self._error(self.line, problem.column, problem.fr, problem.en)
        key = (enterprise_id, profile_id)
        if key in self.profiles:
            self._error(self.line, "profile_id", "profil en double", "duplicate profile")
        self.profiles[key] = profile

    def _subscriber(self, enterprise: _Enterprise) -> None:
        email = self._parse("subscriber_email", cells.email, "")
        language: Language = self._parse("subscriber_language", cells.language, "fr")
        frequency: Frequency = self._parse("subscriber_frequency", cells.frequency, "daily")
        # CASL: no alert without a record of express consent.
        at = self._parse("consent_at", cells.moment, None) if self._required("consent_at") else None
        how, wording = self._required("consent_how"), self._required("consent_wording")
        if at is None:
            return
        name = self.cells.get("subscriber_name", "")
        manages = self._parse("manages_space", _optional_flag, False)
        subscriber = Subscriber(email, name, language, frequency, Consent(at, how, wording), manages)
        key = email.lower()
        known = enterprise.subscribers.get(key)
        if known is not None and known != subscriber:
            self._error(
                self.line,
                "subscriber_email",
                "abonné déjà inscrit pour cette entreprise avec d'autres renseignements",
                "subscriber already listed for this enterprise with other details",
            )
        enterprise.subscribers.setdefault(key, subscriber)

    def _required(self, column: str) -> str:
        value = self.cells.get(column, "")
        if not value:
            self._error(self.line, column, "valeur obligatoire", "value required")
        return value

    def _parse(self, column: str, parse: Callable[[str], T], fallback: T) -> T:
        try:
            return parse(self.cells.get(column, ""))
        except cells.CellError as error:
            self.errors.append(CsvError(self.line, column, error.fr, error.en))
            return fallback

    def _error(self, line: int, column: str | None, fr: str, en: str) -> None:
        self.errors.append(CsvError(line, column, fr, en))


def _reading_order(error: CsvError) -> tuple[int, int]:
    return error.line, COLUMNS.index(error.column) if error.column in COLUMNS else -1


def _utf8_text(data: bytes) -> str | CsvError:
    """The file's text, or the one error saying what it is instead and how to save it."""
    save_as = "enregistrez-le au format « CSV UTF-8 »", "save it as “CSV UTF-8”"
    if data.startswith(_WORKBOOKS):
        return CsvError(
            1,
            None,
            f"ce fichier est un classeur (Excel, LibreOffice), pas un fichier CSV : {save_as[0]}",
            f"this file is a workbook (Excel, LibreOffice), not a CSV file: {save_as[1]}",
        )
    if data.startswith(_UTF16):
        return CsvError(1, None, f"ce fichier est en UTF-16 : {save_as[0]}", f"this file is in UTF-16: {save_as[1]}")
    if b"\x00" in data:
        return CsvError(
            1, None, f"ce fichier n'est pas du texte : {save_as[0]}", f"this file is not text: {save_as[1]}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return CsvError(
            line,
            None,
            f"ce fichier n'est pas en UTF-8 (Windows-1252 ?) : {save_as[0]}",
            f"this file is not in UTF-8 (Windows-1252?): {save_as[1]}",
        )


def _unreadable(line: int) -> CsvError:
    return CsvError(
        line,
        None,
        "guillemet jamais refermé, ou du texte après un guillemet fermant : le fichier ne se lit pas",
        "a quote is never closed, or text follows a closing quote: the file cannot be read",
    )


def _as_text(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _delimiter(text: str) -> str:
    """The header names contain none of these, so the most frequent one on line 1 is the delimiter."""
    first_line = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first_line.count)


def enterprise_cells(e: Enterprise) -> dict[str, str]:
    return {
        "enterprise_id": e.id,
        "enterprise_name": e.name,
        "neq": e.neq or "",
        "legal_form": e.legal_form,
        "regions_served": joined(e.regions_served),
    }


def subscriber_cells(s: Subscriber) -> dict[str, str]:
    return {
        "subscriber_email": s.email,
        "subscriber_name": s.name,
        "subscriber_language": s.language,
        "subscriber_frequency": s.frequency,
        "consent_at": s.consent.at.isoformat(),
        "consent_how": s.consent.how,
        "consent_wording": s.consent.wording_version,
        "manages_space": "yes" if s.manages_space else "",
    }


def _optional_flag(cell: str) -> bool:
    return cells.flag(cell) if cell.strip() else False
