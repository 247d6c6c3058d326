"""A national Zensus 2022 grid read only for the study area, in chunks, with a cache.

Destatis publishes each Zensus 2022 grid table as one CSV for all of Germany (about 3.1 million
populated 100 m cells: ``GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner``, cell centres in
EPSG:3035, often inside a ZIP archive). A town needs a few thousand of them. The file is read
in blocks of whole lines; of each block only the coordinate columns are parsed (as numbers),
and only the lines whose cell centre lies in the study's box are kept as text
(:func:`clip_grid_csv`); memory stays bounded by the block size whatever the file's size.
Lines whose coordinates cannot be read are located by their cell id
(``CRS3035RES100mN2689100E4337000``: lower-left corner, centre = corner + half the cell size)
and, if that fails too, kept, so that the loader reports them as it reports any bad row.

The clipped table is cached beside the study (:func:`cached_clip`), keyed by the source file
(size, modification time, SHA-256 of its first and last MiB, ZIP member) and the box, so that
the yearly run does not read the national file again.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from quartier.config import DatasetConfig
from quartier.errors import QuartierError
from quartier.load.columns import align_column_names, expected_columns
from quartier.load.sources import SourceError, zip_member
from quartier.load.tables import detect_encoding
from quartier.validation import ValidationReport

__all__ = ["Box", "ClippedGrid", "GridClipError", "study_area_box", "clip_grid_csv",
           "cached_clip", "source_size", "wants_study_area_only", "read_grid_for_study",
           "report_value_flags", "STUDY_AREA_MIN_BYTES", "FLAG_MEANINGS"]

#: (xmin, ymin, xmax, ymax) in the grid's CRS; cell centres on the edge are inside.
Box = tuple[float, float, float, float]

#: Grid files at least this large (uncompressed) are read only for the study area by default.
STUDY_AREA_MIN_BYTES = 8 * 2**20
#: Bytes read per block (whole lines); the peak memory grows with it, not with the file.
BLOCK_BYTES = 16 * 2**20
#: Version of the cache layout: a change makes old cache files stale.
_CACHE_VERSION = 1
_CELL_ID = re.compile(r"^CRS3035RES(\d+)mN(\d+)E(\d+)$")
_SEPARATORS = (";", "\t", ",", "|")
#: Meaning of the flags in ``werterlaeuternde_Zeichen`` columns (Destatis' sign legend).
FLAG_MEANINGS = {"KLAMMERN": "Wert in Klammern: Aussagewert eingeschränkt, da der Wert "
                 "statistisch relativ unsicher ist"}


class GridClipError(QuartierError, ValueError):
    """A grid file that cannot be read in chunks (German message naming what to do)."""


@dataclass(frozen=True)
class ClippedGrid:
    """The rows of a grid file inside a box, as text (like :func:`quartier.load.tables.read_table`).

    ``table`` holds every column of the file as text (``None`` for empty cells) and ``_row``,
    the line of the file; ``rows_read`` counts the data lines of the whole file and
    ``rows_swapped`` the lines that would be inside with x and y swapped.
    """

    table: pd.DataFrame
    rows_read: int
    rows_swapped: int
    encoding: str
    separator: str
    header_line: int
    from_cache: bool = False


def study_area_box(quarters: gpd.GeoDataFrame, buffer_m: float, grid_crs: CRS | str) -> Box:
    """The quarters' total bounds plus ``buffer_m``, as a box in the grid's CRS.

    The buffered rectangle is densified before it is transformed, and the box is the bounds
    of the transformed outline, so it holds every point within ``buffer_m`` of a quarter.

    Examples
    --------
    >>> quarters = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1000, 500)], crs="EPSG:3035")
    >>> study_area_box(quarters, 100, "EPSG:3035")
    (-100.0, -100.0, 1100.0, 600.0)
    """
    xmin, ymin, xmax, ymax = quarters.total_bounds
    outline = shapely.box(xmin - buffer_m, ymin - buffer_m, xmax + buffer_m, ymax + buffer_m)
    if CRS.from_user_input(grid_crs) == CRS.from_user_input(quarters.crs):
        return _as_box(outline.bounds)
    dense = shapely.segmentize(outline, max(outline.length / 400, 1.0))
    moved = gpd.GeoSeries([dense], crs=quarters.crs).to_crs(grid_crs)
    return _as_box(moved.total_bounds)


def _as_box(bounds: Sequence[float]) -> Box:
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    return xmin, ymin, xmax, ymax


def source_size(path: Path, member: str | None = None) -> int:
    """Size in bytes of a CSV file or, for a ZIP archive, of its (uncompressed) grid member."""
    if path.suffix.lower() != ".zip":
        return path.stat().st_size
    name = zip_member(path, member, (".csv", ".txt"))
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo(name).file_size


def wants_study_area_only(cfg: DatasetConfig, path: Path) -> bool:
    """``study_area_only`` of the block, else True for files of at least 8 MiB."""
    chosen = cfg.get("study_area_only")
    if chosen is not None:
        return bool(chosen)
    try:
        return source_size(path, cfg.get("member")) >= STUDY_AREA_MIN_BYTES
    except (OSError, SourceError, KeyError, zipfile.BadZipFile):
        return False  # the ordinary reader reports the file


def _open_binary(path: Path, member: str | None) -> tuple[IO[bytes], str]:
    if path.suffix.lower() != ".zip":
        return open(path, "rb"), path.name
    try:
        name = zip_member(path, member, (".csv", ".txt"))
        archive = zipfile.ZipFile(path)
        return archive.open(name), f"{path.name}/{name}"
    except (SourceError, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise GridClipError(str(exc)) from exc


def _utf8_blocks(stream: IO[bytes], encoding: str, block_bytes: int) -> Iterator[bytes]:
    """Blocks of the stream as bytes in which ``\\n`` ends a line: UTF-16 is re-encoded."""
    if not encoding.startswith("utf-16"):
        while block := stream.read(block_bytes):
            yield block
        return
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    while characters := text.read(block_bytes // 2):
        yield characters.encode("utf-8")


def _line_blocks(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The same bytes cut after the last line break of each block (whole lines only)."""
    rest = b""
    for block in blocks:
        block = rest + block
        cut = block.rfind(b"\n") + 1
        rest = block[cut:]
        if cut:
            yield block[:cut]
    if rest.strip():
        yield rest + b"\n"


def _find_header(lines: list[str], wanted: list[str], header: int | None) -> int:
    if header is not None:
        if header >= len(lines):
            raise GridClipError(f"Die Datei hat keine Zeile {header + 1} für die Kopfzeile "
                                "(header_row/skip_rows).")
        return header
    names = {w.casefold() for w in wanted if w}
    for position, line in enumerate(lines):
        fields = {f.strip().strip('"').casefold() for f in re.split(r"[;,\t|]", line)}
        if names & fields:
            return position
    return 0


def _position(names: list[str], wanted: str | None) -> int | None:
    if not wanted:
        return None
    folded = [n.casefold() for n in names]
    return folded.index(wanted.casefold()) if wanted.casefold() in folded else None


def _centres_from_ids(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    parts = ids.astype("string").str.strip().str.extract(_CELL_ID)
    size = parts[0].astype(float)
    return (parts[2].astype(float) + size / 2).to_numpy(), \
        (parts[1].astype(float) + size / 2).to_numpy()


def _block_centres(block: bytes, separator: str, x_at: int | None, y_at: int | None,
                   id_at: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of each line of a block (NaN where neither coordinates nor id are read)."""
    columns = [c for c in (x_at, y_at) if c is not None]
    options = dict(sep=separator, header=None, skip_blank_lines=False, skipinitialspace=True)
    if len(columns) == 2:
        try:
            xy = pd.read_csv(io.BytesIO(block), usecols=columns, dtype="float64", **options)
            x, y = xy[x_at].to_numpy(), xy[y_at].to_numpy()
        except (ValueError, pd.errors.ParserError):  # text among the numbers: cell by cell
            xy = pd.read_csv(io.BytesIO(block), usecols=columns, dtype=str, **options)
            x = pd.to_numeric(xy[x_at], errors="coerce").to_numpy(dtype=float)
            y = pd.to_numeric(xy[y_at], errors="coerce").to_numpy(dtype=float)
    else:
        x = y = None
    if id_at is not None and (x is None or np.isnan(x).any() or np.isnan(y).any()):
        ids = pd.read_csv(io.BytesIO(block), usecols=[id_at], dtype=str, **options)[id_at]
        from_x, from_y = _centres_from_ids(ids)
        if x is None:
            x, y = from_x, from_y
        else:
            missing = np.isnan(x) | np.isnan(y)
            x, y = np.where(missing, from_x, x), np.where(missing, from_y, y)
    if x is None:
        raise GridClipError("Die Datei hat weder Spalten mit Koordinaten (x_mp_100m/"
                            "y_mp_100m) noch eine Gitter-ID (GITTER_ID_100m).")
    return x, y


def clip_grid_csv(path: str | Path, box: Box, *, member: str | None = None,
                  encoding: str | None = None, header_row: int | None = None,
                  skip_rows: int | None = None, cell_id: str = "GITTER_ID_100m",
                  x: str = "x_mp_100m", y: str = "y_mp_100m",
                  block_bytes: int = BLOCK_BYTES, chunksize: int | None = None) -> ClippedGrid:
    """The lines of a grid CSV whose cell centre lies in ``box``, read block by block.

    Parameters
    ----------
    path : str or Path
        The CSV file or a ZIP archive holding it (``member`` or its only CSV).
    box : Box
        ``(xmin, ymin, xmax, ymax)`` in the grid's CRS (EPSG:3035 for the Zensus).
    encoding : str, optional
        Encoding of the file; by default detected from its first MiB (UTF-8, UTF-8 with BOM,
        UTF-16, Windows-1252) and, for the kept lines, from those lines.
    header_row, skip_rows : int, optional
        Line of the column names (from 1) or lines above it; by default the first of the
        first 60 lines naming the cell id or a coordinate column.
    cell_id, x, y : str
        Column names (compared without case) of the cell id and of the cell centres; a file
        without x/y is located by its cell ids.
    block_bytes : int
        Bytes read at a time (whole lines); ``chunksize`` (rows, about 50 bytes each)
        overrides it.

    Returns
    -------
    ClippedGrid

    Raises
    ------
    GridClipError
        When the file cannot be opened, has no header, no coordinates or no cell id, or holds
        line breaks inside fields (then the lines of a block cannot be told apart).

    Notes
    -----
    A line is kept when ``xmin ≤ x ≤ xmax`` and ``ymin ≤ y ≤ ymax`` for its cell centre
    (x, y), or when neither its coordinates nor its cell id can be read.
    """
    path = Path(path)
    if chunksize is not None:
        block_bytes = max(int(chunksize) * 50, 1 << 16)
    header = int(header_row) - 1 if header_row is not None else \
        (int(skip_rows) if skip_rows is not None else None)
    stream, shown = _open_binary(path, member)
    with stream:
        head = stream.read(1 << 20)
        detected = encoding or detect_encoding(head[:head.rfind(b"\n") + 1] or head)
        try:
            detected = codecs.lookup(detected).name
        except LookupError as exc:
            raise GridClipError(f"Die Kodierung encoding = \"{encoding}\" ist unbekannt.") from exc
        stream.seek(0)
        blocks = _line_blocks(_utf8_blocks(stream, detected, block_bytes))
        text_encoding = "utf-8" if detected.startswith("utf-16") else detected
        first = next(blocks, b"")
        head_lines = first.decode(text_encoding, errors="replace").removeprefix("\ufeff") \
            .splitlines()[:60]
        if not head_lines:
            raise GridClipError(f"{shown} ist leer.")
        header = _find_header(head_lines, [cell_id, x, y], header)
        header_text = head_lines[header]
        separator = max(_SEPARATORS, key=header_text.count)
        names = [n.strip() for n in next(csv.reader([header_text], delimiter=separator))]
        x_at, y_at, id_at = _position(names, x), _position(names, y), _position(names, cell_id)
        if (x_at is None or y_at is None) and id_at is None:
            raise GridClipError(f"{shown}: weder die Spalten '{x}'/'{y}' noch '{cell_id}' "
                                f"gefunden (Spalten: {', '.join(names)}).")
        lines_before = first.split(b"\n", header + 1)
        first = lines_before[header + 1] if len(lines_before) > header + 1 else b""
        kept: list[bytes] = []
        kept_rows: list[np.ndarray] = []
        rows = swapped = 0
        for block in _prepend(first, blocks):
            if not block:
                continue
            cx, cy = _block_centres(block, separator, x_at, y_at, id_at)
            ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
            starts = np.concatenate(([0], ends[:-1] + 1))
            if len(starts) != len(cx):
                raise GridClipError(f"{shown} hat Zeilenumbrüche innerhalb von Feldern und "
                                    "lässt sich nicht stückweise lesen. study_area_only = false "
                                    "setzen (dann wird die ganze Datei gelesen).")
            inside = (cx >= box[0]) & (cx <= box[2]) & (cy >= box[1]) & (cy <= box[3])
            swapped += int(((cy >= box[0]) & (cy <= box[2]) & (cx >= box[1])
                            & (cx <= box[3])).sum())
            unlocated = np.isnan(cx) | np.isnan(cy)
            if unlocated.any():  # kept for the loader to report, unless the line is blank
                where = np.flatnonzero(unlocated)
                blank = np.array([not block[starts[i]:ends[i]].strip() for i in where])
                unlocated[where[blank]] = False
            take = np.flatnonzero(inside | unlocated)
            kept.extend(block[starts[i]:ends[i]] for i in take)
            kept_rows.append(take + rows)
            rows += len(starts)
    header_line = header + 1
    # kept lines of a UTF-16 file are UTF-8 by now; else their own bytes decide (a file whose
    # first MiB is ASCII may hold Windows-1252 dashes further down)
    kept_encoding = text_encoding if encoding or detected.startswith("utf-16") else None
    table = _parse_kept(names, kept, separator, kept_encoding)
    table["_row"] = np.concatenate(kept_rows or [np.zeros(0, int)]) + header_line + 1
    return ClippedGrid(table, rows, swapped, detected, separator, header_line)


def _prepend(first: bytes, blocks: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from blocks


def _parse_kept(names: list[str], kept: list[bytes], separator: str,
                encoding: str | None) -> pd.DataFrame:
    """The kept lines as a text table with the file's column names."""
    if not kept:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in names})
    raw = b"\n".join(kept)
    used = encoding or detect_encoding(raw)
    frame = pd.read_csv(io.BytesIO(raw), sep=separator, header=None, names=names, dtype=str,
                        keep_default_na=False, na_values=[""], skipinitialspace=True,
                        encoding=used, skip_blank_lines=False, index_col=False)
    return frame.astype(object).where(frame.notna(), None)


def _fingerprint(path: Path) -> dict:
    """Size, modification time and SHA-256 of the first and last MiB of a file."""
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        digest.update(handle.read(1 << 20))
        if stat.st_size > 2 << 20:
            handle.seek(-(1 << 20), os.SEEK_END)
            digest.update(handle.read())
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256_ends": digest.hexdigest()}


def cached_clip(path: str | Path, box: Box, cache_dir: str | Path | None, **options
                ) -> ClippedGrid:
    """:func:`clip_grid_csv`, read from or written to ``cache_dir`` (no cache when None).

    The cache file (``zensus-<file>-<key>.csv.gz`` and a ``.json`` beside it) is found by a
    key made of the resolved path, the file's :func:`_fingerprint`, the box (to the
    millimetre) and ``options``; an older clip of the same file is removed when a new one is
    written. A cache that cannot be written is left out without a word.
    """
    path = Path(path)
    if cache_dir is None:
        return clip_grid_csv(path, box, **options)
    cache_dir = Path(cache_dir)
    source = str(path.resolve())
    described = {"version": _CACHE_VERSION, "source": source, **_fingerprint(path),
                 "box": [round(v, 3) for v in box],
                 "options": {k: v for k, v in sorted(options.items())
                             if k not in ("block_bytes", "chunksize")}}
    key = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:20]
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem)[:60]
    table_file = cache_dir / f"zensus-{stem}-{key}.csv.gz"
    meta_file = table_file.with_suffix("").with_suffix(".json")
    if table_file.exists() and meta_file.exists():
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            table = pd.read_csv(table_file, dtype=str, keep_default_na=False, na_values=[""],
                                encoding="utf-8")
            table = table.astype(object).where(table.notna(), None)
            table["_row"] = table["_row"].astype(int)
            return ClippedGrid(table, meta["rows_read"], meta["rows_swapped"],
                               meta["encoding"], meta["separator"], meta["header_line"],
                               from_cache=True)
        except (OSError, ValueError, KeyError, pd.errors.ParserError):
            pass  # a broken cache is read again from the source
    clipped = clip_grid_csv(path, box, **options)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob(f"zensus-{stem}-*.json"):
            try:
                if json.loads(old.read_text(encoding="utf-8")).get("source") == source:
                    old.unlink()
                    old.with_suffix(".csv.gz").unlink(missing_ok=True)
            except (OSError, ValueError):
                continue
        with gzip.open(table_file, "wt", encoding="utf-8", compresslevel=5, newline="") as out:
            clipped.table.to_csv(out, index=False)
        meta_file.write_text(json.dumps({
            **described, "rows_read": clipped.rows_read, "rows_swapped": clipped.rows_swapped,
            "encoding": clipped.encoding, "separator": clipped.separator,
            "header_line": clipped.header_line}, indent=1), encoding="utf-8")
    except OSError:
        pass
    return clipped


def read_grid_for_study(cfg: DatasetConfig, path: Path, report: ValidationReport, box: Box,
                        layout: dict[str, str], cache_dir: Path | None
                        ) -> tuple[pd.DataFrame | None, str]:
    """A grid file of a dataset, only the cells in ``box``; problems become findings.

    Returns the table as :func:`quartier.load.columns.read_table_reported` does (text cells,
    ``_row``) and its decimal mark, or ``(None, ".")``.
    """
    names = {key: cfg.columns.get(key, layout.get(key)) for key in ("cell_id", "x", "y")}
    try:
        clipped = cached_clip(path, box, cache_dir, member=cfg.get("member"),
                              encoding=cfg.get("encoding"), header_row=cfg.get("header_row"),
                              skip_rows=cfg.get("skip_rows"),
                              **{k: str(v) for k, v in names.items() if isinstance(v, str)})
    except (GridClipError, UnicodeDecodeError, pd.errors.ParserError, OSError) as exc:
        report.add("error", "unreadable_file", cfg.name, f"{path} lässt sich nicht für das "
                   f"Untersuchungsgebiet lesen: {exc}", "Datei und Angaben (member, encoding, "
                   "header_row) prüfen.", file=str(path))
        return None, "."
    shown_box = f"x {box[0]:,.0f}–{box[2]:,.0f}, y {box[1]:,.0f}–{box[3]:,.0f}".replace(",", ".")
    if clipped.table.empty:
        hint = (f"x und y scheinen vertauscht: so gelesen lägen {clipped.rows_swapped} Zellen im "
                "Gebiet. In columns die Spalten für x und y tauschen."
                if clipped.rows_swapped else "Prüfen, ob die Datei das Gebiet der Quartiere "
                "abdeckt und ob crs stimmt.")
        report.add("error", "grid_outside_quarters", cfg.name, f"Keine der "
                   f"{clipped.rows_read} Gitterzellen liegt im Untersuchungsgebiet (Quartiere "
                   f"und [indicators] context_buffer_m, {shown_box}).", hint, file=str(path),
                   column="x/y")
        return None, "."
    report.add("note", "grid_study_area", cfg.name, f"Von {clipped.rows_read} Gitterzellen "
               f"wurden die {len(clipped.table)} im Untersuchungsgebiet gelesen (Quartiere und "
               f"[indicators] context_buffer_m, {shown_box})"
               + (", aus dem Zwischenspeicher." if clipped.from_cache else "."),
               "Der Ausschnitt liegt in .quartier-cache neben der Konfiguration; ändert sich "
               "die Datei oder das Gebiet, wird er neu gelesen.", file=str(path))
    table = align_column_names(clipped.table, expected_columns(cfg))
    decimal = "." if clipped.separator == "," else ","
    return table, decimal


def report_value_flags(table: pd.DataFrame, cfg: DatasetConfig, file: str,
                       report: ValidationReport) -> None:
    """A note counting the cells with a sign in a ``werterlaeuternde_Zeichen`` column.

    Destatis marks values of limited reliability (``KLAMMERN``: published in brackets); the
    values are used as they are, the note says how many cells of the area carry a sign.
    """
    columns = [c for c in table.columns
               if str(c).casefold().endswith("werterlaeuternde_zeichen")]
    if not columns:
        return
    signs = table[columns].apply(lambda s: s.astype("string").str.strip()).replace("", pd.NA)
    flagged = signs.notna().any(axis=1)
    if not flagged.any():
        return
    counts = signs.stack().value_counts()
    listed = "; ".join(f"{sign}: {count} Werte" + (f" ({FLAG_MEANINGS[sign]})"
                                                    if sign in FLAG_MEANINGS else "")
                       for sign, count in counts.items())
    report.add("note", "value_flags", cfg.name, f"{int(flagged.sum())} Gitterzellen haben "
               f"werterläuternde Zeichen ({listed}).", "Die Werte werden so verwendet, wie "
               "sie veröffentlicht sind; für kleine Quartiere sind sie mit Vorsicht zu lesen.",
               file=file, column=", ".join(map(str, columns)))
