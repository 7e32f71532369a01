"""Benchmark: latency of the persons pages with 100,000 records and 20 concurrent clients.

Not a test: run it by hand and record its output.

    python benchmarks/bench_web_pages.py [--records 100000] [--clients 20] [--seconds 60]
        [--threads 4] [--processes 1] [--database-url postgresql://...] [--keep DIR]

Step 1 (setup): a temporary data directory; ``recuento serve --setup-only`` migrates it
(SQLite in the directory, or the PostgreSQL database given; it must be empty) and creates
an administrator. ``recuento.simulate`` makes a Juárez-like population and its lists
(about ``--records`` rows), written as CSV; each list is read with
``recuento.lists.read_list`` and brought in as the web site does (a source, its records and
their search keys, in one transaction): **the time to store the records is measured
here** (and once more, replacing the largest list's records as a mapping fix does). A
finished linkage run is recorded with the simulation's true persons as its assignments
(linking 100,000 records is not what this measures).

Step 2 (timed): the site is served by ``recuento serve`` (waitress, ``--processes``
processes of ``--threads`` threads) on 127.0.0.1; ``--clients`` threads, each logged in with
its own session, request pages back to back for ``--seconds`` (after a warm-up): half
searches (a given name and a surname of a simulated record, a nickname now and then, through
``/persons/?q=``), half person pages (a random person of the run).
Every page writes its audit entry, as in use.
p50, p95 and p99 latency per kind of page, throughput and errors are printed as JSON.

``--home`` requests the site's home page instead (no query of ours, no audit entry): the
floor every page pays for the session, the user, the roles and the layout. ``--keep DIR``
keeps the data directory and ``--reuse`` serves it again without the setup.

Uses only the standard library (urllib) on the client side.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

USER = "bench"
PASSWORD = "bench-clave-larga-2026"

FILL = r"""
import json, os, random, sys, time
from pathlib import Path
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from recuento.lists.reader import read_list
from recuento.simulate import simulate_population, simulate_lists, write_lists
from recuento.web.persons.store import replace_records
from recuento.web.registry.models import Record, Source
from recuento.web.registry.services import summary_fields
from recuento.web.runs.models import Assignment, Run
import pyarrow.csv as pcsv

records, seed, work = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
user = get_user_model().objects.get(username=sys.argv[4])
people = max(100, int(records / 1.23))
sim = simulate_lists(simulate_population(people, seed=seed), scenario="juarez", seed=seed)
paths = write_lists(sim, work, formats={"*": "csv"}, overwrite=True)
lists = [p for p in paths if p.suffix == ".csv" and p.stem not in ("truth", "histories")]
stored = store_seconds = read_seconds = 0.0
n_records = 0
tables = {}
for path in lists:
    start = time.perf_counter()
    result = read_list(path, name=path.stem, workers=1)
    read_seconds += time.perf_counter() - start
    with transaction.atomic():
        source = Source.objects.create(
            name=path.stem, filename=path.name, file=f"sources/{path.name}",
            sha256="0" * 64, size_bytes=path.stat().st_size, uploaded_by=user,
            **summary_fields(result),
        )
        start = time.perf_counter()
        n_records += replace_records(source, result.table)
        store_seconds += time.perf_counter() - start
    tables[source.pk] = (source, result.table)
# A mapping fix replaces a source's records: time it on the largest list.
source, table = max(tables.values(), key=lambda st: st[1].num_rows)
start = time.perf_counter()
with transaction.atomic():
    replaced = replace_records(source, table)
replace_seconds = time.perf_counter() - start

truth = pcsv.read_csv(work / "truth.csv", convert_options=pcsv.ConvertOptions(
    column_types={"id": "string", "person_id": "string", "source": "string"})).to_pylist()
by_name = {s.name: s for s, _ in tables.values()}
run = Run.objects.create(created_by=user, status="done", started_at=timezone.now(),
                         finished_at=timezone.now(), progress=1.0,
                         result={"documented": len({t["person_id"] for t in truth})})
run.sources.set([s for s, _ in tables.values()])
sizes = {}
for t in truth:
    sizes[t["person_id"]] = sizes.get(t["person_id"], 0) + 1
rng = random.Random(seed)
strength = {p: (round(rng.uniform(0.5, 1.0), 3) if n > 1 else None) for p, n in sizes.items()}
Assignment.objects.bulk_create(
    [Assignment(run=run, source=by_name[t["source"]], record_id=t["id"],
                person_id=t["person_id"], strength=strength[t["person_id"]]) for t in truth],
    batch_size=5000,
)
# The workload: names of stored records (given name + first surname) and persons.
sample = list(Record.objects.order_by("?").values_list("given_names", "first_surname")[:2000])
queries = [f"{g.split()[0]} {s}" for g, s in sample if g and s]
persons = sorted(sizes)
rng.shuffle(persons)
print(json.dumps({
    "records": n_records, "lists": len(lists), "people_simulated": people,
    "read_seconds": read_seconds, "store_seconds": store_seconds,
    "replace_records": replaced, "replace_seconds": replace_seconds,
    "assignments": len(truth), "n_persons": len(sizes), "run": run.pk, "queries": queries,
    "persons": persons[:5000],
}))
"""

NICKNAMES = ["Lupita", "Lupe", "Chuy", "Pepe", "Paco", "Lola", "Chayo", "Conchita", "Nacho"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["RECUENTO_DATA_DIR"] = str(data)
    env["DJANGO_SETTINGS_MODULE"] = "recuento.web.settings"
    env["RECUENTO_ADMIN_USERNAME"] = USER
    env["RECUENTO_ADMIN_PASSWORD"] = PASSWORD
    env.pop("RECUENTO_DATABASE_URL", None)
    if database_url:
        env["RECUENTO_DATABASE_URL"] = database_url
    return env


def _recuento(*args: str, env: dict[str, str], **kw: Any) -> Any:
    exe = Path(sys.executable).with_name("recuento")
    return subprocess.run([str(exe), *args], env=env, check=True, **kw)


class Client:
    """One logged-in browser session (its own cookies), timing each page it asks for."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def login(self) -> None:
        url = self.base + "/accounts/login/"
        self.opener.open(url, timeout=60).read()
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode(
            {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        with self.opener.open(request, timeout=60) as response:
            if "/accounts/login/" in response.geturl():
                raise SystemExit("bench: could not log in")

    def get(self, path: str) -> tuple[float, int]:
        start = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as e:
            status = e.code
        return time.perf_counter() - start, status


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def drive(
    base: str,
    workload: dict[str, Any],
    clients: int,
    seconds: float,
    warmup: float,
    seed: int,
    home: bool = False,
) -> dict[str, Any]:
    """Run the clients; return latency statistics per kind of page (``home``: the site's
    home page only, the floor any page of the site pays: session, user, roles, layout)."""
    queries = workload["queries"]
    persons = workload["persons"]
    run = workload["run"]
    kinds = ("home",) if home else ("search", "person")
    results: dict[str, list[float]] = {k: [] for k in kinds}
    errors: dict[str, int] = {k: 0 for k in kinds}
    lock = threading.Lock()
    sessions = [Client(base) for _ in range(clients)]
    for s in sessions:
        s.login()
    start_at = time.perf_counter() + 0.5
    measure_from = start_at + warmup
    stop_at = measure_from + seconds

    def work(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        client = sessions[i]
        while time.perf_counter() < start_at:
            time.sleep(0.01)
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            if home:
                kind, path = "home", "/"
            elif rng.random() < 0.5:
                kind = "search"
                q = rng.choice(queries)
                if rng.random() < 0.1:
                    q = f"{rng.choice(NICKNAMES)} {q.split()[-1]}"
                path = "/persons/?" + urllib.parse.urlencode({"q": q})
            else:
                kind = "person"
                pid = urllib.parse.quote(rng.choice(persons))
                path = f"/persons/{run}/{pid}/"
            elapsed, status = client.get(path)
            if now >= measure_from:
                with lock:
                    results[kind].append(elapsed)
                    if status != 200:
                        errors[kind] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out: dict[str, Any] = {}
    total = 0
    for kind, values in results.items():
        total += len(values)
        out[kind] = {
            "requests": len(values),
            "errors": errors[kind],
            "p50_ms": round(1000 * _percentile(values, 0.50), 1),
            "p95_ms": round(1000 * _percentile(values, 0.95), 1),
            "p99_ms": round(1000 * _percentile(values, 0.99), 1),
            "mean_ms": round(1000 * statistics.fmean(values), 1) if values else None,
        }
    everything = [v for values in results.values() for v in values]
    out["all"] = {
        "requests": total,
        "per_second": round(total / seconds, 1),
        "p50_ms": round(1000 * _percentile(everything, 0.50), 1),
        "p95_ms": round(1000 * _percentile(everything, 0.95), 1),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4, help="waitress threads")
    parser.add_argument(
        "--processes", type=int, default=1, help="web server processes (recuento serve)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    parser.add_argument("--keep", type=Path, default=None, help="data directory to keep")
    parser.add_argument(
        "--home", action="store_true", help="request the home page only (the site's floor)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="serve the --keep directory as it is (no setup)"
    )
    args = parser.parse_args()

    data = args.keep or Path(tempfile.mkdtemp(prefix="recuento-bench-web-"))
    data.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="recuento-bench-lists-"))
    env = _env(data, args.database_url)
    server = None
    try:
        start = time.perf_counter()
        if args.reuse and args.keep is not None and (data / "workload.json").exists():
            workload = json.loads((data / "workload.json").read_text())
        else:
            _recuento("serve", "--data-dir", str(data), "--setup-only", env=env)
            filled = subprocess.run(
                [sys.executable, "-c", FILL, str(args.records), str(args.seed), str(work), USER],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            workload = json.loads(filled.stdout)
            if args.keep is not None:
                (data / "workload.json").write_text(filled.stdout)
        setup_seconds = time.perf_counter() - start
        port = _free_port()
        log = work / "server.log"
        with log.open("w") as log_file:  # a pipe nobody reads would block the server
            server = subprocess.Popen(
                [str(Path(sys.executable).with_name("recuento")), "serve", "--data-dir",
                 str(data), "--port", str(port), "--threads", str(args.threads),
                 "--processes", str(args.processes)],
                env=env,
                stderr=log_file,
            )  # fmt: skip
        while not (found := re.search(r"http://[^/ ]+", log.read_text())):
            if server.poll() is not None:
                raise SystemExit(f"bench: the server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        base = found.group(0)
        latencies = drive(
            base, workload, args.clients, args.seconds, args.warmup, args.seed, args.home
        )
        report = {
            "database": "postgresql" if args.database_url else "sqlite",
            "records": workload["records"],
            "lists": workload["lists"],
            "assignments": workload["assignments"],
            "persons": workload["n_persons"],
            "read_seconds": round(workload["read_seconds"], 1),
            "store_records_seconds": round(workload["store_seconds"], 1),
            "store_records_per_second": round(workload["records"] / workload["store_seconds"]),
            "replace_records": workload["replace_records"],
            "replace_records_seconds": round(workload["replace_seconds"], 1),
            "setup_seconds": round(setup_seconds, 1),
            "clients": args.clients,
            "waitress_threads": args.threads,
            "processes": args.processes,
            "seconds": args.seconds,
            "cpus": os.cpu_count(),
            **latencies,
        }
        server_log = log.read_text()
        report["server_errors"] = server_log.count("Traceback")
        report["database_locked"] = server_log.count("database is locked")
        print(json.dumps(report, indent=2))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
