"""The ``skywarden`` command line.

``skywarden run SCENARIO_OR_DETECTIONS --out DIR`` plays a built-in scenario (by name) or
a file through the whole pipeline: a simulator scenario is simulated first (its
``detections.jsonl``, ``truth.jsonl`` and ``scenario.json`` are written too), a ``.jsonl``
is read as the interchange contract, a ``.yaml`` with a ``detections`` list as such. It
writes ``tracks.jsonl``, ``alerts.jsonl``, ``quarantine.jsonl``, ``audit.jsonl`` and
``summary.json`` into DIR and prints a timeline. ``--actions FILE`` plays operator
actions (acknowledge, reclassify as not dangerous, force clear; JSON Lines, see
``docs/operator-actions.md``) into the run at their own event times; each is audited in
``audit.jsonl``. ``skywarden simulate`` only simulates; ``skywarden geo
info`` describes the loaded geography pack.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, NamedTuple

import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from skywarden import __version__
from skywarden.core.errors import ConfigError, SkyWardenError
from skywarden.core.time import t_s_to_datetime
from skywarden.core.types import Detection
from skywarden.geo.wind import WindField
from skywarden.geo.zones import describe, load_geography
from skywarden.outputs.jsonl import QuarantineWriter, TrackWriter
from skywarden.outputs.webhook import WebhookSink
from skywarden.runtime.actions import load_actions
from skywarden.runtime.pipeline import Pipeline, RunSummary, TimelineEntry, iter_batches
from skywarden.sim.plot import plot_scenario
from skywarden.sim.registry import silence_limits as scenario_silence_limits
from skywarden.sim.registry import tracker_config as scenario_tracker_config
from skywarden.sim.run import simulate as simulate_scenario
from skywarden.sim.run import write_outputs
from skywarden.sim.scenarios import builtin_scenario_names, load_scenario, resolve
from skywarden.sources.base import MemorySource, Reject, Source
from skywarden.sources.jsonl import JsonlDetectionSource
from skywarden.sources.yamlfile import YamlDetectionSource
from skywarden.tracking.tracker import Tracker, TrackerConfig

__all__ = ["RunInput", "app", "builtin_scenarios", "main", "open_input", "open_source"]

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


def _resolve_input(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.exists():
        return path
    builtin = builtin_scenarios()
    if name_or_path not in builtin:
        known = ", ".join(sorted(builtin)) or "none"
        raise typer.BadParameter(
            f"{name_or_path!r} is neither a file nor a built-in scenario (built-in: {known})"
        )
    return builtin[name_or_path]


def _is_simulation(path: Path) -> bool:
    """Tell a scenario to simulate (it has ``targets``) from a YAML detection list."""
    return path.suffix in (".yaml", ".yml") and "\ntargets:" in path.read_text(encoding="utf-8")


class RunInput(NamedTuple):
    """What ``skywarden run`` plays: the detections and what the sensor registry says."""

    source: Source
    tracker_config: TrackerConfig
    wind: WindField | None
    silence_limits_s: Mapping[str, float]  # sensors watched for outages; empty: none


def open_input(name_or_path: str, sim_out: Path | None = None) -> RunInput:
    """Resolve a built-in name or a file to a detection source and what the registry says.

    A simulator scenario is simulated first (its files are written to ``sim_out`` when
    given) and its detections are played in arrival order; its sensors' revisit periods
    and clutter densities go to the tracker (as a deployment's sensor registry would),
    and its radars' silence limits to the pipeline's outage watch. Its wind stands for
    the weather service's forecast, for the assessment's wind-following. Other inputs
    carry no registry (the tracker uses its defaults per detection kind, no sensor is
    watched for outages) and no wind.
    """
    path = _resolve_input(name_or_path)
    if _is_simulation(path):
        resolved = resolve(load_scenario(path))
        result = simulate_scenario(resolved)
        if sim_out is not None:
            write_outputs(result, sim_out)
        return RunInput(
            MemorySource(result.synth.detections),
            scenario_tracker_config(resolved),
            WindField(resolved.wind),
            scenario_silence_limits(resolved),
        )
    if path.suffix in (".yaml", ".yml"):
        return RunInput(YamlDetectionSource(path), TrackerConfig(), None, {})
    if path.suffix == ".jsonl":
        return RunInput(JsonlDetectionSource(path), TrackerConfig(), None, {})
    raise typer.BadParameter(f"{path}: expected a .jsonl detection file or a .yaml scenario")


def open_source(name_or_path: str, sim_out: Path | None = None) -> Source:
    """Resolve a built-in name or a file to a detection source (see :func:`open_input`)."""
    return open_input(name_or_path, sim_out).source


def _print_entry(console: Console, entry: TimelineEntry) -> None:
    stamp = t_s_to_datetime(entry.t_s).strftime("%H:%M:%S")
    style = _STYLE.get(entry.what, "")
    console.print(
        f"{stamp}Z  [{style}]{entry.what:<5}[/{style}]  {entry.text}",
        highlight=False,
        soft_wrap=True,
    )


def _summary_table(summary: RunSummary, out: Path, with_actions: bool = False) -> Table:
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
    if with_actions:
        table.add_row("operator actions (audit.jsonl)", str(summary.operator_actions))
    if summary.sensor_outages:
        table.add_row("sensor outages (silent past their limit)", str(summary.sensor_outages))
    table.add_row("CAP 1.2 messages (cap/)", str(summary.cap_messages))
    table.add_row("Cursor-on-Target events (cot.xml)", str(summary.cot_events))
    if summary.output_errors:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(summary.output_errors.items()))
        table.add_row("[red]output errors[/red]", errors)
    return table


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="built-in scenario name, or a .jsonl/.yaml file")],
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/run"),
    geography: Annotated[str, typer.Option(help="geography pack name or folder")] = "lt",
    quiet: Annotated[bool, typer.Option(help="print only the summary")] = False,
    webhook: Annotated[
        str | None,
        typer.Option(help="also POST every alert transition to this URL (with retries)"),
    ] = None,
    actions: Annotated[
        Path | None,
        typer.Option(
            help="operator actions to apply at their times (JSON Lines: time, operator,"
            " action, alert_id or track_id, note, suppress_s); audited in audit.jsonl",
        ),
    ] = None,
) -> None:
    """Run detections through tracking, assessment and alerting; write tracks, alerts, CAP, CoT."""
    console = Console()
    try:
        operator_actions = load_actions(actions) if actions is not None else []
        source, tracker_config, wind, silence_limits_s = open_input(scenario, sim_out=out)
        geo = load_geography(geography)
    except SkyWardenError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    console.print(f"SkyWarden {__version__}: {scenario} -> {out}/ (geography {geo.name})")

    def on_entry(entry: TimelineEntry) -> None:
        if not quiet:
            _print_entry(console, entry)

    sink = None
    if webhook is not None:
        out.mkdir(parents=True, exist_ok=True)
        sink = WebhookSink(webhook, dead_letter=out / "webhook_dead_letter.jsonl")
    with Pipeline(
        geo,
        out,
        tracker_config,
        on_entry=on_entry,
        webhook=sink,
        actions=operator_actions,
        wind=wind,
        silence_limits_s=silence_limits_s,
    ) as pipeline:
        # What is loaded now (geography, rules, a simulated scenario's detections) lives
        # for the whole run: keep full collections from walking it again and again (each
        # walk stalled a batch by hundreds of milliseconds in bench/alert_latency.py).
        gc.collect()
        gc.freeze()
        try:
            summary = pipeline.run(source)
        finally:
            gc.unfreeze()
    if sink is not None:
        st = sink.stats
        console.print(
            f"webhook {webhook}: {st.delivered} delivered, {st.failed} failed"
            f" (dead letters: {out / 'webhook_dead_letter.jsonl'}), {st.retried} retries"
        )
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
                "operator_actions": summary.operator_actions,
                "sensor_outages": summary.sensor_outages,
                "cap_messages": summary.cap_messages,
                "cot_events": summary.cot_events,
                "output_errors": dict(summary.output_errors),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    console.print(_summary_table(summary, out, with_actions=actions is not None))


@geo_app.command("info")
def geo_info(
    pack: Annotated[str, typer.Option(help="geography pack name or folder")] = "lt",
) -> None:
    """Print what a geography pack contains."""
    console = Console()
    try:
        geo = load_geography(pack)
    except SkyWardenError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    for line in describe(geo):
        console.print(line, highlight=False, markup=False)


@app.command()
def simulate(
    scenario: Annotated[str, typer.Argument(help="built-in scenario name or a scenario YAML file")],
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/sim"),
    seed: Annotated[int | None, typer.Option(help="override the scenario's seed")] = None,
    plot: Annotated[bool, typer.Option("--plot", help="also write map.png")] = False,
) -> None:
    """Simulate a scenario: write detections.jsonl, truth.jsonl and scenario.json."""
    console = Console()
    try:
        resolved = resolve(load_scenario(scenario), seed)
        geo = load_geography(resolved.geography)
    except SkyWardenError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    console.print(
        f"simulating {resolved.name} (seed {resolved.seed}): {len(resolved.targets)} targets, "
        f"{len(resolved.sensors)} sensors, {resolved.duration_s / 3600:.2f} h"
    )
    columns = (
        TextColumn("{task.description:<8}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = simulate_scenario(resolved, on_progress)
        write_task = bar.add_task("writing", total=1)
        counts = write_outputs(result, out)
        bar.update(write_task, completed=1)
    table = Table(title=f"{resolved.name} -> {out}", show_header=True)
    table.add_column("detections by kind")
    table.add_column("count", justify="right")
    for kind, n in sorted(result.synth.counts_by_kind.items()):
        table.add_row(kind, str(n))
    table.add_row("[bold]all (detections.jsonl)[/bold]", str(counts["detections"]))
    table.add_row("truth lines (truth.jsonl)", str(counts["truth"]))
    console.print(table)
    if plot:
        plot_scenario(result, geo, out / "map.png")
        console.print(f"map: {out / 'map.png'}")


@app.command()
def track(
    detections: Annotated[Path, typer.Argument(help="interchange-contract detections (.jsonl)")],
    out: Annotated[Path, typer.Option(help="track updates to write (.jsonl)")] = Path(
        "out/tracks.jsonl"
    ),
    config: Annotated[
        Path | None, typer.Option(help="YAML of TrackerConfig fields, e.g. revisit_s by sensor")
    ] = None,
    geography: Annotated[str, typer.Option(help="geography pack (for the ENU frame)")] = "lt",
) -> None:
    """Track only: detections in, track updates out (the interchange contract both ways)."""
    console = Console()
    try:
        geo = load_geography(geography)
        tracker_config = _tracker_config(config)
    except SkyWardenError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    source = JsonlDetectionSource(detections)
    out.parent.mkdir(parents=True, exist_ok=True)
    tracker = Tracker(geo.frame, tracker_config)
    n_updates = 0
    with TrackWriter(out) as writer, QuarantineWriter(out.with_suffix(".quarantine.jsonl")) as bad:

        def good() -> Iterator[Detection]:
            for item in source:
                if isinstance(item, Reject):
                    bad.write(item)  # quarantined as it is read, like the pipeline does
                else:
                    yield item

        for batch in iter_batches(good()):
            n_updates += writer.write_all(tracker.step(max(d.t_s for d in batch), batch))
    counts = source.counts
    console.print(
        f"{counts.accepted} detections ({counts.rejected} rejected), {n_updates} track updates"
        f" -> {out}; tracks started {tracker.stats.tracks_started},"
        f" late used {tracker.stats.late_used}, late dropped {tracker.stats.late_dropped}"
    )


def _tracker_config(path: Path | None) -> TrackerConfig:
    if path is None:
        return TrackerConfig()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return TrackerConfig(**doc)
    except (OSError, yaml.YAMLError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a tracker configuration: {exc}") from exc


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    for name in builtin_scenario_names():
        typer.echo(f"{name:<28} {load_scenario(name).title}")


@app.command()
def version() -> None:
    """Print the SkyWarden version."""
    typer.echo(__version__)


def main() -> None:
    """Entry point of the ``skywarden`` console script."""
    app()
