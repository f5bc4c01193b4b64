"""The ``skywarden`` command line.

``skywarden run SCENARIO_OR_DETECTIONS --out DIR`` plays a built-in scenario (by name) or
a detection file (``.jsonl`` in the interchange contract, or a ``.yaml`` scenario with a
``detections`` list) through the whole pipeline, writes ``tracks.jsonl``,
``alerts.jsonl``, ``quarantine.jsonl`` and ``summary.json`` into DIR and prints a
timeline. ``skywarden geo info`` describes the loaded geography pack.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from skywarden import __version__
from skywarden.core.errors import SkyWardenError
from skywarden.core.time import t_s_to_datetime
from skywarden.geo.zones import describe, load_geography
from skywarden.runtime.pipeline import Pipeline, RunSummary, TimelineEntry
from skywarden.sources.base import Source
from skywarden.sources.jsonl import JsonlDetectionSource
from skywarden.sources.yamlfile import YamlDetectionSource

__all__ = ["app", "builtin_scenarios", "main", "open_source"]

app = typer.Typer(
    help="SkyWarden: airspace early warning against drone and balloon incursions.",
    no_args_is_help=True,
    add_completion=False,
)
geo_app = typer.Typer(help="Geography packs: borders, alert zones, protected sites.")
app.add_typer(geo_app, name="geo")

_STYLE = {"alert": "bold yellow", "track": "cyan", "input": "red"}


def builtin_scenarios() -> dict[str, Path]:
    """Return the built-in scenarios by name."""
    folder = resources.files("skywarden.data").joinpath("scenarios")
    return {
        Path(entry.name).stem: Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def open_source(name_or_path: str) -> Source:
    """Resolve a built-in scenario name or a file path to a detection source."""
    path = Path(name_or_path)
    if not path.exists():
        builtin = builtin_scenarios()
        if name_or_path not in builtin:
            known = ", ".join(sorted(builtin)) or "none"
            raise typer.BadParameter(
                f"{name_or_path!r} is neither a file nor a built-in scenario (built-in: {known})"
            )
        path = builtin[name_or_path]
    if path.suffix in (".yaml", ".yml"):
        return YamlDetectionSource(path)
    if path.suffix == ".jsonl":
        return JsonlDetectionSource(path)
    raise typer.BadParameter(f"{path}: expected a .jsonl detection file or a .yaml scenario")


def _print_entry(console: Console, entry: TimelineEntry) -> None:
    stamp = t_s_to_datetime(entry.t_s).strftime("%H:%M:%S")
    style = _STYLE.get(entry.what, "")
    console.print(
        f"{stamp}Z  [{style}]{entry.what:<5}[/{style}]  {entry.text}",
        highlight=False,
        soft_wrap=True,
    )


def _summary_table(summary: RunSummary, out: Path) -> Table:
    table = Table(title=f"run summary ({out})", show_header=False)
    table.add_row("detections read", str(summary.detections))
    rejected = sum(summary.rejects.values())
    codes = ", ".join(f"{k} {v}" for k, v in sorted(summary.rejects.items()))
    table.add_row("rejected (quarantine.jsonl)", f"{rejected}" + (f" ({codes})" if codes else ""))
    unused = ", ".join(f"{k} {v}" for k, v in sorted(summary.unused_by_kind.items()))
    if unused:
        table.add_row("not used by this tracker", unused)
    if summary.late:
        table.add_row("late detections (not used)", str(summary.late))
    table.add_row("track updates (tracks.jsonl)", str(summary.track_updates))
    table.add_row("tracks confirmed", str(summary.tracks_confirmed))
    table.add_row(
        "alerts raised / events (alerts.jsonl)", f"{summary.alerts_raised} / {summary.alert_events}"
    )
    return table


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="built-in scenario name, or a .jsonl/.yaml file")],
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/run"),
    geography: Annotated[str, typer.Option(help="geography pack name or folder")] = "lt",
    quiet: Annotated[bool, typer.Option(help="print only the summary")] = False,
) -> None:
    """Run detections through tracking, assessment and alerting; write tracks and alerts."""
    console = Console()
    try:
        source = open_source(scenario)
        geo = load_geography(geography)
    except SkyWardenError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"SkyWarden {__version__}: {scenario} -> {out}/ (geography {geo.name})")

    def on_entry(entry: TimelineEntry) -> None:
        if not quiet:
            _print_entry(console, entry)

    with Pipeline(geo, out, on_entry=on_entry) as pipeline:
        summary = pipeline.run(source)
    (out / "summary.json").write_text(
        json.dumps(
            {
                "input": scenario,
                "detections": summary.detections,
                "rejected": dict(summary.rejects),
                "unused_by_kind": dict(summary.unused_by_kind),
                "late": summary.late,
                "track_updates": summary.track_updates,
                "tracks_confirmed": summary.tracks_confirmed,
                "alerts_raised": summary.alerts_raised,
                "alert_events": summary.alert_events,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    console.print(_summary_table(summary, out))


@geo_app.command("info")
def geo_info(
    pack: Annotated[str, typer.Option(help="geography pack name or folder")] = "lt",
) -> None:
    """Print what a geography pack contains."""
    console = Console()
    try:
        geo = load_geography(pack)
    except SkyWardenError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    for line in describe(geo):
        console.print(line, highlight=False, markup=False)


@app.command()
def version() -> None:
    """Print the SkyWarden version."""
    typer.echo(__version__)


def main() -> None:
    """Entry point of the ``skywarden`` console script."""
    app()
