"""Distributed issuance throughput: one synthetic session issued three ways in the same run, each
into a fresh PostgreSQL archive, by real ``shahada`` processes on one agent:

- single: ``shahada issue PV`` (the embedded pipeline: one process, ``sign_concurrency`` batch
  requests in flight);
- 1 worker / 2 workers: ``shahada worker --concurrency C`` processes on Redis, and
  ``shahada issue PV --distributed`` coordinating (plan, enqueue, follow the archive).

Each figure is the coordinator's wall clock, end to end (PV checks, import with status indexes,
signing, audit, status lists and registry records), so the three do the same work; the workers
are started (and their agents) before the clock starts. With
``--agents 2`` each worker starts its own agent on one PostgreSQL wallet (the coordinator too)
instead of sharing the bench's agent. The machine is shared: read the ratios, not the figures.

    .venv/bin/python bench/scale.py [--candidates 1500] [--concurrency 4] [--batch 64] [--agents 1]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import sqlalchemy

from shahada.agent.process import AgentConfig, AgentProcess
from shahada.config import load_settings
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.reference import bundled_reference
from shahada.tls import ensure_local_tls
from shahada.workers.app import make_app

SHAHADA = str(Path(sys.executable).with_name("shahada"))
POSTGRES = os.environ.get("SHAHADA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_DB = 14


@contextmanager
def database(prefix: str) -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def issue(env: dict[str, str], pv: Path, out: Path, *, distributed: bool, batch: int) -> float:
    command = [SHAHADA, "issue", str(pv), "--session", "2025", "--out", str(out), "--batch-size", str(batch)]
    started = time.perf_counter()
    ran = subprocess.run([*command, *(["--distributed"] if distributed else [])], env=env, capture_output=True, timeout=7200)
    seconds = time.perf_counter() - started
    if ran.returncode != 0:
        raise SystemExit(f"issue failed: {ran.stderr.decode()[-2000:]}")
    return seconds


def ready(env: dict[str, str], workers: int) -> None:
    """Wait until ``workers`` workers answer a ping (their agents started): the figures are issuance, not starts."""
    if not workers:
        return
    app = make_app(env)
    deadline = time.monotonic() + 600
    while len(app.control.ping(timeout=1.0)) < workers:
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not start in 10 minutes")
    app.close()


def measure(env: dict[str, str], pv: Path, work: Path, *, workers: int, concurrency: int, batch: int) -> tuple[int, float]:
    """(credentials, seconds) of one issuance of ``pv`` with ``workers`` workers (0: single process)."""
    with database("shahada_bench_scale") as url:
        run_env = {**env, "SHAHADA_ARCHIVE_URL": url, "SHAHADA_BROKER_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:"}
        processes = []
        for n in range(workers):
            with open(work / f"worker-{workers}-{n}.log", "wb") as log:
                command = [SHAHADA, "worker", "--concurrency", str(concurrency), "--loglevel", "WARNING"]
                processes.append(subprocess.Popen(command, env=run_env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True))
        try:
            ready(run_env, workers)
            seconds = issue(run_env, pv, work / f"out-{workers}", distributed=workers > 0, batch=batch)
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                process.wait(120)
            client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
            keys = list(client.scan_iter(match=f"{run_env['SHAHADA_BROKER_PREFIX']}*"))
            if keys:
                client.delete(*keys)
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as conn:
            credentials = int(conn.execute(sqlalchemy.text("SELECT count(*) FROM credentials WHERE status = 'issued'")).scalar() or 0)
        engine.dispose()
    return credentials, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=4, help="batches in flight per worker (sign_concurrency of the single process)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--agents", type=int, choices=(1, 2), default=1, help="2: each worker starts its own agent on one PostgreSQL wallet")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
        env.update(SHAHADA_HOME=str(work / "home"), SHAHADA_OPERATOR="bench", SHAHADA_SIGN_CONCURRENCY=str(args.concurrency),
                   SHAHADA_BROKER_URL=f"redis://127.0.0.1:6379/{REDIS_DB}")
        settings = load_settings(env)
        pv = work / "pv.csv"
        write_csv(generate_records(args.candidates, seed=14, reference=bundled_reference(), year=2025), pv)
        with wallet(env, args.agents) as agent_env:
            env.update(agent_env)
            if args.agents == 1:
                tls = ensure_local_tls(settings.tls_dir)
                config = AgentConfig(work_dir=work / "agent", wallet_name="bench", wallet_key=settings.wallet_key, extra_env={"SSL_CERT_FILE": str(tls.ca_cert)})
                agent = AgentProcess(config)
                with agent:
                    env.update(SHAHADA_AGENT_ADMIN_URL=agent.admin_url, SHAHADA_AGENT_API_KEY=agent.api_key)
                    runs = [(n, *measure(env, pv, work, workers=n, concurrency=args.concurrency, batch=args.batch)) for n in (0, 1, 2)]
            else:
                runs = [(n, *measure(env, pv, work, workers=n, concurrency=args.concurrency, batch=args.batch)) for n in (0, 1, 2)]
    base = runs[0][1] / runs[0][2]
    print(f"candidates {args.candidates}, batch {args.batch}, concurrency {args.concurrency}, agents {args.agents}, {os.cpu_count()} cores (shared)")
    print(f"  {'pipeline':30}{'credentials':>12}{'seconds':>10}{'credentials/s':>15}{'ratio':>8}")
    for workers, credentials, seconds in runs:
        name = "single process" if workers == 0 else f"distributed, {workers} worker{'s' if workers > 1 else ''}"
        print(f"  {name:30}{credentials:12d}{seconds:10.2f}{credentials / seconds:15.1f}{credentials / seconds / base:8.2f}")


@contextmanager
def wallet(env: dict[str, str], agents: int) -> Iterator[dict[str, str]]:
    """Nothing for one agent (the bench starts it); a PostgreSQL wallet shared by every agent for two."""
    if agents == 1:
        yield {}
        return
    name = f"shahada_bench_wallet_{uuid.uuid4().hex[:8]}"
    try:
        yield {"SHAHADA_WALLET_POSTGRES": "127.0.0.1:5432", "SHAHADA_WALLET_PG_USER": "postgres", "SHAHADA_WALLET_NAME": name}
    finally:
        admin = sqlalchemy.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
