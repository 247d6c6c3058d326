"""The ``quartier`` command line: validate, info, report, partners, notebooks.

Every error ends in one message and a non-zero exit code, never a traceback (``--debug`` shows
it). Exit codes: 0 ok, 1 the study has errors, 2 usage error, 3 unexpected failure.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from quartier import __version__
from quartier._paths import UnsafePathError
from quartier.format import format_number
from quartier.validation import StudyError, ValidationReport

__all__ = ["main"]

console = Console(stderr=False, highlight=False)
err_console = Console(stderr=True, highlight=False)

_STYLE = {"error": "bold red", "warning": "yellow", "note": "cyan"}


def _print_report(report: ValidationReport, *, show_notes: bool = True) -> None:
    order = {"error": 0, "warning": 1, "note": 2}
    for finding in sorted(report, key=lambda f: order[f.severity]):
        if finding.severity == "note" and not show_notes:
            continue
        console.print(finding.format(), style=_STYLE[finding.severity], markup=False,
                      soft_wrap=True)
    notes = len(report) - len(report.errors) - len(report.warnings)
    console.print(f"{len(report.errors)} Fehler, {len(report.warnings)} Warnungen, "
                  f"{notes} Hinweise.", style="bold", markup=False)


def _progress():
    status = console.status("", spinner="dots")

    class _Step:
        def __call__(self, message: str) -> None:
            status.update(f"{message} …")
            if not status._live.is_started:  # noqa: SLF001 - start lazily on the first step
                status.start()

        def stop(self) -> None:
            status.stop()

    return _Step()


def _load(config: Path, edition: str | None):
    from quartier.study import validate_study

    step = _progress()
    try:
        study, report = validate_study(config, edition=edition, progress=step)
    finally:
        step.stop()
    return study, report


def _study_or_exit(ctx: click.Context, config: Path, edition: str | None):
    """The loaded study; on errors print them and exit with code 1."""
    study, report = _load(config, edition)
    if study is None:
        _print_report(report, show_notes=False)
        ctx.exit(1)
    return study, report


class _Group(click.Group):
    """Turns every unexpected exception into one readable line (traceback with --debug)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except StudyError as exc:
            _print_report(exc.report, show_notes=False)
            ctx.exit(1)
        except UnsafePathError as exc:  # e.g. a symbolic link in the output folder
            err_console.print(f"Fehler: {exc}", style="bold red", markup=False)
            ctx.exit(2)
        except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
            from quartier.editions.store import StoreError

            if isinstance(exc, StoreError):  # damaged, newer, read-only, locked, disk full
                err_console.print(str(exc), style="bold red", markup=False)
                ctx.exit(1)
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            err_console.print(f"Fehler: {exc}", style="bold red", markup=False)
            err_console.print("Mit --debug erscheinen die technischen Einzelheiten.",
                              markup=False)
            ctx.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quartier")
@click.option("--debug", is_flag=True, help="Bei Fehlern den vollständigen Traceback zeigen.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """quartier: Sozialraumanalyse auf Quartiersebene.

    CONFIG ist die Studienkonfiguration quartier.toml (oder ihr Ordner).
    """
    ctx.ensure_object(dict)["debug"] = debug


config_argument = click.argument("config", type=click.Path(path_type=Path))
edition_option = click.option("--edition", default=None,
                              help="Ausgabe (Jahr), überschreibt [study] edition.")


@cli.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", default=None, help="Name der Studie (sonst der Ordnername).")
@click.pass_context
def init_command(ctx: click.Context, folder: Path, name: str | None) -> None:
    """Aus den Dateien in ORDNER eine kommentierte quartier.toml zum Anfangen schreiben."""
    from quartier.init import init_config  # reads GIS files: imported only for this command
    try:
        target, guesses = init_config(folder, name=name)
    except (FileExistsError, NotADirectoryError) as exc:
        err_console.print(f"{exc}", style="bold red")
        ctx.exit(2)
    for guess in guesses:
        console.print(f"{guess.path.name}: {guess.kind}")
    console.print(f"Geschrieben: {target}. Kommentare darin nennen, was zu prüfen ist; dann "
                  f"quartier validate {target}", style="bold green")


@cli.command()
@config_argument
@edition_option
@click.option("--quiet", is_flag=True, help="Hinweise (keine Probleme) nicht zeigen.")
@click.pass_context
def validate(ctx: click.Context, config: Path, edition: str | None, quiet: bool) -> None:
    """Alle Eingabedaten prüfen und jedes Problem auflisten."""
    study, report = _load(config, edition)
    _print_report(report, show_notes=not quiet)
    if report.errors:
        ctx.exit(1)
    console.print("Die Studie ist bereit.", style="bold green")


@cli.command()
@config_argument
@edition_option
@click.pass_context
def info(ctx: click.Context, config: Path, edition: str | None) -> None:
    """Zeigen, was geladen wurde: Anzahlen, Koordinatensystem, Einwohner je Quartier."""
    study, report = _study_or_exit(ctx, config, edition)
    from quartier.summary import population_by_quarter, study_overview

    console.print(f"[bold]{study.name}[/bold] · Ausgabe {study.edition} · "
                  f"{study.config.crs.to_string()} ({study.config.crs.name})")
    for label, value in study_overview(study):
        console.print(f"  {label}: {value}", markup=False)
    table = Table(title="Einwohner*innen je Quartier")
    table.add_column("ID")
    table.add_column("Quartier")
    table.add_column("Einwohner*innen", justify="right")
    population = population_by_quarter(study)
    for row in population.itertuples():
        table.add_row(str(row.quarter_id), str(row.name), format_number(row.total))
    table.add_row("", "Summe", format_number(population["total"].sum()), style="bold")
    console.print(table)
    if report.warnings:
        console.print(f"{len(report.warnings)} Warnungen: 'quartier validate' zeigt sie.",
                      style="yellow")


@cli.command()
@config_argument
@edition_option
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Zielordner für indikatoren.csv und bewertung.csv (Standard: "
                   "reports/<Studie>/<Ausgabe>/).")
@click.pass_context
def indicators(ctx: click.Context, config: Path, edition: str | None,
               output: Path | None) -> None:
    """Alle Indikatoren berechnen und als CSV-Tabellen schreiben (maschinenlesbar: englische
    Spaltennamen und Codes, ungerundet; die CSV-Dateien im Berichtsordner sind für Leser).
    """
    study, _ = _study_or_exit(ctx, config, edition)
    from quartier._paths import inside
    from quartier.compute import compute
    from quartier.export.spreadsheet import write_csv
    from quartier.report.build import report_folder

    step = _progress()
    try:
        results = compute(study, progress=step)
    finally:
        step.stop()
    folder = Path(output) if output else report_folder(study)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(inside(folder, "indikatoren.csv"), results.indicators, "en")
    write_csv(inside(folder, "bewertung.csv"), results.gaps, "en")
    if results.social_index is not None:
        write_csv(inside(folder, "sozialindex.csv"), results.social_index, "en", index=True)
    if len(results.findings):
        _print_report(results.findings)
    counts = results.gaps["status"].value_counts()
    console.print(f"{counts.get('gap', 0)} Lücken, {counts.get('resource', 0)} Ressourcen, "
                  f"{counts.get('ok', 0)} ausreichend, {counts.get('not_assessed', 0)} nicht "
                  "bewertet.", markup=False)
    console.print(f"Tabellen geschrieben nach {folder}", style="bold green", markup=False)


store_option = click.option("--store", type=click.Path(path_type=Path), default=None,
                            help="Ausgabenspeicher (Standard: <studie>.editions.sqlite neben "
                                 "der Konfiguration).")


@cli.command()
@config_argument
@edition_option
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Zielordner (Standard: reports/<Studie>/<Ausgabe>/ neben dem Arbeitsordner).")
@click.option("--intern", "intern", type=click.Path(path_type=Path), default=None,
              help="Ordner der internen Partnerliste mit Kontaktdaten (Standard: "
                   "reports/<Studie>/intern/<Ausgabe>/ neben der Konfiguration); nie im "
                   "Zielordner.")
@click.option("--no-intern", is_flag=True,
              help="Die interne Partnerliste mit Kontaktdaten nicht schreiben.")
@click.option("--replace", is_flag=True,
              help="Eine schon gespeicherte Ausgabe ersetzen (sonst bricht der Lauf ab).")
@store_option
@click.option("--dask", "dask_address", default=None, metavar="ADRESSE",
              help="Erreichbarkeit auf einem dask-Cluster rechnen (quartier[dask]): 'local' "
                   "für einen Cluster auf diesem Rechner oder die Adresse eines Schedulers, "
                   "z. B. tcp://scheduler:8786.")
@click.pass_context
def report(ctx: click.Context, config: Path, edition: str | None, output: Path | None,
           intern: Path | None, no_intern: bool, replace: bool, store: Path | None,
           dask_address: str | None) -> None:
    """Die Ausgabe speichern und den Bericht schreiben (HTML, Karten, CSV, Excel, GeoPackage).

    Jede Ausgabe wird im Ausgabenspeicher abgelegt; eine vorhandene Ausgabe wird nur mit
    --replace ersetzt.
    """
    from quartier.editions import EditionExistsError, StoreError
    from quartier.publish import ReportFolderError, publish_edition

    study, _ = _study_or_exit(ctx, config, edition)
    if intern is not None and no_intern:
        raise click.UsageError("--intern und --no-intern schließen einander aus.")
    internal = None if no_intern else _internal_folder(study, intern, output)
    client = _dask_client(ctx, dask_address) if dask_address else None
    step = _progress()
    try:
        published = publish_edition(study, store=store, output=output, replace=replace,
                                    progress=step, client=client)
    except (EditionExistsError, StoreError, ReportFolderError) as exc:  # nothing changed
        step.stop()
        console.print(str(exc), style="bold red", markup=False)
        if isinstance(exc, StoreError):
            console.print("Bericht und Exporte wurden nicht veröffentlicht.", markup=False)
        ctx.exit(1)
    finally:
        step.stop()
    store, path = published.store, published.report
    console.print(f"Ausgabe {study.edition} gespeichert in {store}", markup=False)
    console.print(f"Bericht geschrieben: {path}", style="bold green", markup=False)
    if internal is not None:
        _write_internal(study, internal)


def _dask_client(ctx: click.Context, address: str):
    """A dask client for ``--dask``: a local cluster for 'local', else the scheduler's address."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        console.print("Für --dask fehlt dask: pip install \"quartier[dask]\"", style="bold red",
                      markup=False)
        ctx.exit(3)
    try:
        if address == "local":
            return Client(LocalCluster(processes=True, dashboard_address=None))
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        console.print(f"Der dask-Scheduler {address} ist nicht erreichbar: {exc}",
                      style="bold red", markup=False)
        ctx.exit(3)


def _internal_folder(study, intern: Path | None, public: Path | None) -> Path:
    """The internal folder (``--intern`` or beside the config), checked to lie outside the
    public report folder (``--output`` or the default); a usage error otherwise.
    """
    from quartier._paths import check_internal_folder
    from quartier.partners.export import internal_folder
    from quartier.report.build import report_folder

    folder = intern if intern is not None else internal_folder(study)
    try:
        return check_internal_folder(folder, public if public is not None
                                     else report_folder(study))
    except UnsafePathError as exc:
        raise click.UsageError(str(exc)) from exc


def _write_internal(study, folder: Path) -> None:
    """Write the internal partner register (contacts!) outside the public report folder."""
    from quartier.partners.export import write_internal_register

    written = write_internal_register(study, folder)
    if written:
        console.print(f"INTERN – nicht veröffentlichen: Partnerliste mit Kontaktdaten in "
                      f"{written['excel'].parent}", style="bold yellow", markup=False)


@cli.command()
@config_argument
@edition_option
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Zielordner (Standard: reports/<Studie>/intern/<Ausgabe>/ neben der "
                   "Konfiguration, außerhalb des öffentlichen Berichts).")
@click.pass_context
def partners(ctx: click.Context, config: Path, edition: str | None,
             output: Path | None) -> None:
    """Die interne Partnerliste mit Kontaktdaten schreiben (CSV und Excel).

    Die Liste ist nur für das Quartiersmanagement bestimmt: sie enthält Ansprechpersonen,
    E-Mail-Adressen und Telefonnummern auch von Partnern, die nicht veröffentlicht werden
    wollen. Der öffentliche Bericht enthält nur netzwerk_partner.csv ohne diese Angaben.
    """
    study, _ = _study_or_exit(ctx, config, edition)
    if study.actors is None and not len(study.facilities):
        console.print("Die Studie hat weder Akteure ([actors]) noch Einrichtungen.",
                      style="bold red", markup=False)
        ctx.exit(1)
    _write_internal(study, _internal_folder(study, output, None))


def _shipped_notebooks() -> list:
    """The notebooks inside the installed package (``quartier/notebooks/*.ipynb``)."""
    from importlib.resources import files

    folder = files("quartier") / "notebooks"
    if not folder.is_dir():
        return []
    return sorted((entry for entry in folder.iterdir() if entry.name.endswith(".ipynb")),
                  key=lambda entry: entry.name)


@cli.command("notebooks")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Vorhandene Notebooks gleichen Namens ersetzen.")
@click.pass_context
def notebooks_command(ctx: click.Context, folder: Path, force: bool) -> None:
    """Die Notebooks (Daten prüfen, Indikatoren, Bericht fortschreiben) nach ZIEL kopieren.

    Vorhandene Dateien bleiben unberührt, außer mit --force.
    """
    sources = _shipped_notebooks()
    if not sources:
        err_console.print("Diese Installation enthält keine Notebooks (quartier/notebooks/).",
                          style="bold red", markup=False)
        ctx.exit(1)
    targets = [folder / source.name for source in sources]
    existing = [target.name for target in targets if target.exists() or target.is_symlink()]
    if existing and not force:
        err_console.print(f"In {folder} gibt es schon: {', '.join(existing)}. Nichts kopiert; "
                          "mit --force werden sie ersetzt.", style="bold red", markup=False)
        ctx.exit(2)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for source, target in zip(sources, targets, strict=True):
            target.unlink(missing_ok=True)  # replace a link instead of writing through it
            target.write_bytes(source.read_bytes())
    except OSError as exc:
        err_console.print(f"Der Ordner {folder} kann nicht beschrieben werden: {exc}",
                          style="bold red", markup=False)
        ctx.exit(2)
    for target in targets:
        console.print(f"Kopiert: {target}", markup=False)
    console.print("Die Notebooks lesen ../data/sample/quartier.toml (die Beispielstadt, "
                  "anzulegen mit: python -m quartier.sample.musterstadt ../data/sample); für "
                  "die eigene Studie in der ersten Zelle config = \"…/quartier.toml\" setzen. "
                  "Jupyter: pip install \"quartier[notebooks]\".", style="bold green",
                  markup=False)


@cli.group()
def editions() -> None:
    """Gespeicherte Ausgaben (Fortschreibungen) einer Studie."""


@editions.command("list")
@config_argument
@store_option
def editions_list(config: Path, store: Path | None) -> None:
    """Alle gespeicherten Ausgaben auflisten."""
    from quartier.editions import default_store_path, list_editions

    store = store or default_store_path(config if config.suffix else config / "quartier.toml")
    table = list_editions(store)
    if table.empty:
        console.print(f"Noch keine Ausgabe gespeichert ({store}).", markup=False)
        return
    rich_table = Table(title=f"Ausgaben in {store.name}")
    for column in ("Ausgabe", "erstellt", "Version", "Quartiere", "Einrichtungen"):
        rich_table.add_column(column)
    for row in table.itertuples():
        rich_table.add_row(str(row.label), str(row.created)[:19], str(row.version),
                           format_number(row.n_quarters), format_number(row.n_facilities))
    console.print(rich_table)


@editions.command("show")
@config_argument
@click.argument("label")
@store_option
@click.pass_context
def editions_show(ctx: click.Context, config: Path, label: str, store: Path | None) -> None:
    """Eine gespeicherte Ausgabe zeigen: Zahlen, Bewertungen und Eingabedateien."""
    from quartier.editions import EditionNotFoundError, default_store_path, load_edition

    store = store or default_store_path(config if config.suffix else config / "quartier.toml")
    try:
        stored = load_edition(store, label)
    except EditionNotFoundError as exc:
        console.print(str(exc), style="bold red", markup=False)
        ctx.exit(1)
    info = stored.info
    console.print(f"[bold]{info.study_name}[/bold] · Ausgabe {info.label} · erstellt "
                  f"{info.created:%d.%m.%Y %H:%M} UTC mit quartier {info.version}")
    console.print(f"  Quartiere: {format_number(info.n_quarters)}, Einrichtungen: "
                  f"{format_number(info.n_facilities)}, Indikatorwerte: "
                  f"{format_number(info.n_indicator_rows)}", markup=False)
    counts = stored.gaps["status"].value_counts()
    console.print(f"  {counts.get('gap', 0)} Lücken, {counts.get('resource', 0)} Ressourcen, "
                  f"{counts.get('ok', 0)} ausreichend", markup=False)
    table = Table(title="Eingabedateien (sha256)")
    for column in ("Datensatz", "Datei", "Bytes", "sha256"):
        table.add_column(column)
    for row in stored.fingerprints.itertuples():
        table.add_row(str(row.dataset), str(row.path), format_number(row.size),
                      str(row.sha256)[:16] + "…")
    console.print(table)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``quartier`` console script."""
    try:
        cli.main(args=argv, prog_name="quartier", standalone_mode=True)
    except KeyboardInterrupt:
        err_console.print("Abgebrochen.", style="bold red")
        sys.exit(130)


if __name__ == "__main__":
    main()
