"""``shahada worker``: a Celery worker of the installation (:mod:`shahada.workers`)."""

from __future__ import annotations

import click

from shahada.workers import QUEUES


def _queues(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    names = [q.strip() for q in value.split(",") if q.strip()]
    unknown = [q for q in names if q not in QUEUES]
    if not names or unknown:
        raise click.BadParameter(f"known queues: {', '.join(QUEUES)}; not {', '.join(unknown) or 'none'}")
    return ",".join(names)


@click.command("worker")
@click.option("--queues", default=",".join(QUEUES), show_default=True, callback=_queues, help="the queues this worker takes work from")
@click.option("--concurrency", default=4, type=click.IntRange(1, 256), show_default=True,
              help="batches in hand at once (threads); print batches are rendered by one process per core")  # fmt: skip
@click.option("--loglevel", default="INFO", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
def worker_command(queues: str, concurrency: int, loglevel: str) -> None:
    """Take batches from the broker (SHAHADA_BROKER_URL, default redis://127.0.0.1:6379/0): on the
    sign queue, sign them through the installation's agent into its archive; on the print queue,
    seal them through the agent and write their PDFs (each once) under the directory the
    coordinator names. The agent and archive are opened before the first batch is taken; runs until
    stopped (SIGTERM finishes the batches in hand; a killed worker's batches go to another worker)."""
    from shahada.cli.common import _fail, _settings
    from shahada.common.errors import ShahadaError
    from shahada.workers.app import app
    from shahada.workers.tasks import check_agent_settings, installation

    try:
        check_agent_settings(_settings())
        installation()  # the agent started or reached before the first batch: a worker that cannot sign takes none
    except ShahadaError as err:
        _fail(err)
    app.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}", f"--queues={queues}", f"--loglevel={loglevel}", "--without-gossip", "--without-mingle"])
