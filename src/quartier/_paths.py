"""Where quartier may write: every output path is joined and checked here, in one place.

Names that come from the data or the config (study name, edition label, quarter ids, category
keys) reach the file system only through :func:`quartier.format.slug`; the writers (report
pages, exports, network tables, internal register, edition store) build their paths with
:func:`inside`, which refuses any path that resolves outside its folder (``..``, an absolute
part, a symbolic link leading out). :func:`check_internal_folder` keeps the internal partner
register (contact data) out of the public report folder. :func:`check_study_labels` and
:func:`check_quarter_ids` report unsuitable names while the study is validated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from quartier.errors import QuartierError
from quartier.format import WINDOWS_RESERVED, slug
from quartier.validation import ValidationReport, format_ids

__all__ = ["UnsafePathError", "inside", "check_inside", "check_internal_folder",
           "check_study_labels", "check_quarter_ids", "INTERNAL_FOLDER"]

#: Name of the internal folder (``reports/<study>/intern/<edition>/``); not an edition label.
INTERNAL_FOLDER = "intern"

_EDITION = re.compile(r"[\w .-]+")
_NAME = re.compile(r"[\w .,()&'+–-]+")
_EDITION_ALLOWED = ("Buchstaben (auch ä, ö, ü, ß), Ziffern, Leerzeichen, Bindestrich (-), "
                    "Unterstrich (_) und Punkt (.)")
_NAME_ALLOWED = ("Buchstaben (auch ä, ö, ü, ß), Ziffern, Leerzeichen und - _ . , ( ) & ' + –")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PATH_SYNTAX = re.compile(r"[/\\]|\.\.|[\x00-\x1f\x7f-\x9f]")


class UnsafePathError(QuartierError, ValueError):
    """A path would leave its output folder, or the internal folder would be public."""


def check_inside(folder: str | Path, path: str | Path) -> Path:
    """Raise :class:`UnsafePathError` unless ``path`` lies strictly inside ``folder``.

    Both are resolved first (``..``, symbolic links, relative to the working directory), so a
    link inside the folder that leads out of it is refused too.

    Returns
    -------
    Path
        ``path`` as given.
    """
    root, target = Path(folder).resolve(), Path(path).resolve()
    if target == root or not target.is_relative_to(root):
        raise UnsafePathError(
            f"Die Datei {path} läge außerhalb des Ausgabeordners {folder} ({target}); es wurde "
            "nichts dorthin geschrieben. Namen von Ausgaben, Studien und Quartieren dürfen "
            "keine Pfadangaben enthalten, und im Ausgabeordner darf kein Verweis (Symlink) "
            "nach außen liegen.")
    return Path(path)


def inside(folder: str | Path, *names: str) -> Path:
    """``folder`` joined with ``names``, checked to lie inside ``folder``.

    Parameters
    ----------
    folder : str or Path
        The output folder (report folder, internal folder, folder of the config).
    *names : str
        Relative parts such as ``"quartiere"``, ``"01.html"``; build them from
        :func:`quartier.format.slug` when they come from data.

    Returns
    -------
    Path
        ``Path(folder, *names)`` (not resolved, so ``relative_to(folder)`` works).

    Raises
    ------
    UnsafePathError
        If the joined path resolves to ``folder`` itself or anywhere outside it.

    Examples
    --------
    >>> inside("bericht", "quartiere", "01.html").as_posix()
    'bericht/quartiere/01.html'
    >>> inside("bericht", "../x.html")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnsafePathError: Die Datei bericht/../x.html läge außerhalb des Ausgabeordners …
    """
    return check_inside(folder, Path(folder).joinpath(*names))


def check_internal_folder(internal: str | Path, public: str | Path) -> Path:
    """Raise :class:`UnsafePathError` if the internal folder is the public one or inside it.

    The internal partner register holds contact data of partners who do not want to be
    published; everything in the report folder is published.

    Returns
    -------
    Path
        ``internal`` as given.
    """
    internal_resolved, public_resolved = Path(internal).resolve(), Path(public).resolve()
    if internal_resolved == public_resolved or internal_resolved.is_relative_to(public_resolved):
        raise UnsafePathError(
            f"Der interne Ordner {internal} (Partnerliste mit Kontaktdaten) liegt im "
            f"öffentlichen Berichtsordner {public}. Einen Ordner außerhalb des Berichts mit "
            "--intern angeben oder die interne Liste mit --no-intern weglassen.")
    return Path(internal)


def _label_problem(label: str, pattern: re.Pattern[str], longest: int) -> str | None:
    """Why ``label`` cannot name a folder, or None when it can."""
    if not label.strip():
        return "sie ist leer"
    if "/" in label or "\\" in label:
        return "sie enthält einen Schrägstrich (/ oder \\)"
    if ".." in label:
        return "sie enthält „..“ (den übergeordneten Ordner)"
    if _CONTROL.search(label):
        return "sie enthält Steuerzeichen (z. B. Tabulator, Zeilenumbruch oder NUL)"
    if not pattern.fullmatch(unicodedata.normalize("NFC", label)):
        wrong = sorted({c for c in unicodedata.normalize("NFC", label)
                        if not pattern.fullmatch(c)})
        return "sie enthält die Zeichen " + " ".join(repr(c) for c in wrong)
    if label != label.strip() or label.startswith(".") or label.endswith("."):
        return "sie beginnt oder endet mit Leerzeichen oder Punkt"
    if label.split(".")[0].strip().casefold() in WINDOWS_RESERVED:
        return "sie ist ein unter Windows reservierter Gerätename (CON, PRN, AUX, NUL, COM1 …)"
    if len(label) > longest:
        return f"sie ist länger als {longest} Zeichen"
    return None


def check_study_labels(name: str, edition: str, report: ValidationReport, file: str) -> str:
    """Record an error for a study name or edition label that cannot name a folder.

    Both become folder and file names (``reports/<name>/<edition>/``, the edition store,
    ``{edition}`` in input paths), so only plain labels are accepted: see the messages for the
    allowed characters. ``intern`` is refused as an edition label (the internal folder).

    Returns
    -------
    str
        ``edition`` when it is plain, else its :func:`~quartier.format.slug`: the config
        reader goes on with that (to report every other problem too) without ever filling
        ``{edition}`` in an input path with ``..`` or a NUL character.
    """
    edition_problem = _label_problem(edition, _EDITION, 40)
    if edition_problem is None and slug(edition) == INTERNAL_FOLDER:
        edition_problem = f"„{INTERNAL_FOLDER}“ ist der Name des internen Ordners"
    if edition_problem:
        report.add("error", "bad_label", "config",
                   f"Die Ausgabe {edition!r} taugt nicht als Ordnername: {edition_problem}.",
                   f"Erlaubt sind {_EDITION_ALLOWED}, höchstens 40 Zeichen, z. B. "
                   'edition = "2025" oder "2025-2" (auch für --edition).', file=file)
        edition = slug(edition, default="ausgabe")
    name_problem = _label_problem(name, _NAME, 100) if name else None
    if name_problem:
        report.add("error", "bad_label", "config",
                   f"Der Studienname {name!r} taugt nicht als Ordnername: {name_problem}.",
                   f"Erlaubt sind {_NAME_ALLOWED}, höchstens 100 Zeichen, z. B. "
                   'name = "Musterstadt" oder name = "Halle (Saale)".', file=file)
    return edition


def check_quarter_ids(ids: Iterable[object], report: ValidationReport, dataset: str = "quarters",
                      file: str | None = None) -> None:
    """Warn about quarter ids with control characters or path syntax (``/``, ``\\``, ``..``).

    Quarter ids are data and stay as they are in tables and the report; only file names are
    derived from them, through :func:`quartier.format.unique_slugs`, so such an id cannot
    reach outside the report folder. It usually is an export or typing error, hence the
    warning.
    """
    odd = [str(i) for i in ids if _PATH_SYNTAX.search(str(i))]
    if odd:
        report.add("warning", "unsafe_id", dataset,
                   f"{len(odd)} Quartiers-IDs enthalten Steuerzeichen oder Pfadzeichen "
                   "(/, \\, ..). Sie bleiben in Tabellen und Bericht unverändert; die "
                   "Dateinamen der Quartiersprofile werden daraus bereinigt.",
                   "Die IDs in der Datei prüfen: meist ein Export- oder Tippfehler.",
                   file=file, rows=format_ids([repr(i) for i in odd]), column="quarter_id")
