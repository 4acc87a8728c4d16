"""`ckan territorio stream ...`: the MQTT stream consumer, a supervised process."""
from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

import ckan.plugins as p
import click

from .. import config

log = logging.getLogger(__name__)


@click.group("stream", short_help="Ingesta en continuo desde brokers MQTT.")
def stream() -> None:
    """Ingesta en continuo: mediciones publicadas en brokers MQTT (fuentes de tipo mqtt)."""


def _harvester() -> Any:
    from ckanext.harvest.interfaces import IHarvester

    from .catalogs import SOURCE_TYPE

    for plugin in p.PluginImplementations(IHarvester):
        if plugin.info().get("name") == SOURCE_TYPE:
            return plugin
    raise click.ClickException("el complemento territorio_mqtt no está activo (ckan.plugins)")


@stream.command("run")
@click.option("--report-every", type=float, default=60.0, show_default=True,
              help="Segundos entre dos resúmenes en el registro.")
def run(report_every: float) -> None:
    """Consume todas las fuentes mqtt hasta recibir SIGTERM o SIGINT (proceso supervisado)."""
    from .consumer import Consumer, Stats

    consumer = Consumer(
        _harvester(),
        flush_seconds=config.stream_flush_seconds(),
        batch_messages=config.stream_batch_messages(),
        inbox_bytes=config.stream_inbox_bytes(),
        refresh_seconds=config.stream_refresh_seconds(),
        session_expiry=config.stream_session_expiry(),
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    last = [time.monotonic()]

    def report(stats: Stats) -> None:
        if time.monotonic() - last[0] >= report_every:
            last[0] = time.monotonic()
            log.info(
                "stream: %d mensajes, %d mediciones, %d mal formados, %d lotes, %d sincronizaciones",
                stats.messages, stats.readings, stats.malformed, stats.batches, stats.syncs,
            )

    click.echo(f"Consumidor MQTT: fuentes releídas cada {config.stream_refresh_seconds():.0f} s, "
               f"lotes cada {config.stream_flush_seconds():.1f} s como máximo")
    consumer.run(stop, report)
    stats = consumer.stats
    click.echo(f"Consumidor detenido: {stats.messages} mensajes, {stats.readings} mediciones, "
               f"{stats.malformed} mal formados")
