"""Benchmark: latency of the persons and review pages with 100,000 records and 20 clients.

Not a test: run it by hand and record its output.

    python benchmarks/bench_web_pages.py [--records 100000] [--clients 20] [--seconds 60]
        [--threads 4] [--processes 1] [--pages search,person,queue,pair]
        [--database-url postgresql://...] [--keep DIR [--reuse]]

Step 1 (setup): a temporary data directory; ``recuento serve --setup-only`` migrates it
(SQLite in the directory, or the PostgreSQL database given; it must be empty) and creates
an administrator. ``recuento.simulate`` makes a Juárez-like population and its lists
(about ``--records`` rows), written as CSV; each list is read with
``recuento.lists.read_list`` and brought in as the web site does (a source, its records and
their search keys, in one transaction): **the time to store the records is measured
here** (and once more, replacing the largest list's records as a mapping fix does). A
finished linkage run is recorded with the simulation's true persons as its assignments
(linking 100,000 records is not what this measures), with a review queue of 5,000
uncertain pairs (4,000 two records of one person on two lists, 1,000 of two persons; five
comparisons each with levels and weights, the records as read), a tenth of them decided.

Step 2 (timed): the site is served by ``recuento serve`` (waitress, ``--processes``
processes of ``--threads`` threads) on 127.0.0.1; ``--clients`` clients, each logged in
with its own session and keeping its connection open as a browser does (``--close``: a
new connection for every page), request pages
back to back for ``--seconds`` (after a warm-up), each page one of ``--pages`` with equal
chances: ``search`` (a given name and a surname of a simulated record, a nickname now and
then, through ``/persons/?q=``), ``person`` (a random person of the run), ``queue`` (a
random page of the review queue, 50 pairs a page) and ``pair`` (a random pair of the
queue, side by side). The person, search and pair pages write their audit entry, as in
use. p50, p95 and p99 latency per kind of page, throughput, errors, the CPU time the
client itself took (it runs on the same cores as the server) and the server's CPU time per
page (its processes, the linkage worker among them; what a page costs whatever else runs
on the machine; also split into user and system time) are printed as JSON.

``--home`` requests the site's home page instead (no query of ours, no audit entry): the
floor every page pays for the session, the user, the roles and the layout. ``--keep DIR``
keeps the data directory and ``--reuse`` serves it again without the setup.

Uses only the standard library (http.client, in threads) on the client side.
"""

from __future__ import annotations

import argparse
import http.client
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
# The review queue: uncertain pairs as a run stores them (comparisons with their levels and
# weights, the records as read); most are two records of one person on two lists, some are
# two persons; a tenth of them decided.
from recuento.web.review.models import PairDecision
from recuento.web.review.services import canonical
from recuento.web.runs.models import UncertainPair
from recuento.web.runs.services import DISPLAY_FIELDS, impact
by_person = {}
for t in truth:
    by_person.setdefault(t["person_id"], []).append((by_name[t["source"]].pk, t["id"]))
linked = [ids for ids in by_person.values() if len({s for s, _ in ids}) > 1]
rng.shuffle(linked)
singles = [ids[0] for ids in by_person.values()]
wanted = [(ids[0], ids[1]) for ids in linked[:4000]]
wanted += [(rng.choice(singles), rng.choice(singles)) for _ in range(1000)]
wanted = [(a, b) for a, b in wanted if a != b]
keys = {k for pair in wanted for k in pair}
display = {}
for r in Record.objects.filter(record_id__in={i for _, i in keys}).values(
        "source_id", "record_id", *DISPLAY_FIELDS):
    if (r["source_id"], r["record_id"]) in keys:
        display[(r["source_id"], r["record_id"])] = {
            f: (str(r[f]) if r[f] is not None else None) for f in DISPLAY_FIELDS}
LEVELS = {"name": ("the same names", "two names in common", "All other comparisons"),
          "birth": ("the same date", "the same year", "All other comparisons"),
          "sex": ("the same", "All other comparisons"),
          "event": ("within a year", "All other comparisons"),
          "place": ("the same", "All other comparisons")}
pairs = []
for (ls, li), (rs, ri) in wanted:
    p = rng.uniform(0.05, 0.95)
    comparisons = []
    for column, levels in LEVELS.items():
        level = rng.choice(levels)
        agrees = None if rng.random() < 0.1 else level != "All other comparisons"
        weight = 0.0 if agrees is None else round(rng.uniform(1, 8) * (1 if agrees else -1), 2)
        comparisons.append({"column": column, "level": level, "agrees": agrees, "weight": weight})
    pairs.append(UncertainPair(
        run=run, left_source_id=ls, left_id=li, right_source_id=rs, right_id=ri,
        probability=p, match_weight=round(rng.uniform(-6, 6), 2), comparisons=comparisons,
        impact=impact(p, p >= 0.5, ls != rs), same_person=p >= 0.5,
        records={"left": display.get((ls, li), {}), "right": display.get((rs, ri), {})}))
UncertainPair.objects.bulk_create(pairs, batch_size=2000)
KEY = ("left_source_id", "left_id", "right_source_id", "right_id")
PairDecision.objects.bulk_create(
    [PairDecision(**dict(zip(KEY, canonical(*(getattr(p, k) for k in KEY)))),
                  decision=rng.choice(["same", "different", "unsure"]), decided_by=user)
     for p in pairs[::10]], batch_size=2000)
pair_pks = list(UncertainPair.objects.filter(run=run).values_list("pk", flat=True))
rng.shuffle(pair_pks)
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
    "persons": persons[:5000], "uncertain_pairs": len(pairs), "pairs": pair_pks[:5000],
    "queue_pages": -(-len(pairs) // 50),
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
    """One logged-in browser session (its own cookies, one kept-alive connection, as a
    browser keeps one), timing each page it asks for. Plain ``http.client``: the client
    shares the machine's cores with the server, so it does as little as it can."""

    def __init__(self, base: str, close: bool = False) -> None:
        self.close = close
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status, data, response

    def login(self) -> None:
        path = "/accounts/login/"
        self._request("GET", path)
        data = urllib.parse.urlencode(
            {
                "username": USER,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            }
        ).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{self.host}:{self.port}{path}",
        }
        status, _, response = self._request("POST", path, body=data, headers=headers)
        if status != 302 or "/accounts/login/" in (response.getheader("Location") or ""):
            raise SystemExit("bench: could not log in")

    def get(self, path: str) -> tuple[float, int]:
        start = time.perf_counter()
        headers = {"Connection": "close"} if self.close else None
        status, _, _ = self._request("GET", path, headers=headers)
        return time.perf_counter() - start, status


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


KINDS = ("search", "person", "queue", "pair")


def tree_cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user, system) used so far by a process and its live descendants (Linux
    /proc; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, tuple[int, float, float]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name: state, ppid, ..., utime and stime are the 12th and 13th.
        stats[int(entry.name)] = (int(fields[1]), int(fields[11]) / tick, int(fields[12]) / tick)
    user = system = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        _parent, u, s = stats.get(current, (0, 0.0, 0.0))
        user, system = user + u, system + s
        todo += [child for child, (parent, _u, _s) in stats.items() if parent == current]
    return user, system


def drive(
    base: str,
    workload: dict[str, Any],
    clients: int,
    seconds: float,
    warmup: float,
    seed: int,
    kinds: tuple[str, ...] = KINDS,
    close: bool = False,
    server_pid: int | None = None,
) -> dict[str, Any]:
    """Run the clients, each asking for a page of one of ``kinds`` at random (equal
    chances) back to back; return latency statistics per kind of page (``home``: the
    site's home page only, the floor any page of the site pays: session, user, roles,
    layout) and the CPU time the client itself took (it shares the machine's cores)."""
    queries = workload["queries"]
    persons = workload["persons"]
    pairs = workload.get("pairs") or []
    queue_pages = workload.get("queue_pages") or 1
    if ("pair" in kinds or "queue" in kinds) and not pairs:
        raise SystemExit("bench: this data directory has no review queue: set it up again")
    run = workload["run"]
    results: dict[str, list[float]] = {k: [] for k in kinds}
    errors: dict[str, int] = {k: 0 for k in kinds}
    lock = threading.Lock()
    sessions = [Client(base, close) for _ in range(clients)]
    for s in sessions:
        s.login()
    start_at = time.perf_counter() + 0.5
    measure_from = start_at + warmup
    stop_at = measure_from + seconds
    cpu: dict[str, Any] = {}

    def work(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        client = sessions[i]
        while time.perf_counter() < start_at:
            time.sleep(0.01)
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            if i == 0 and now >= measure_from and "from" not in cpu:
                cpu["from"] = time.process_time()
                if server_pid is not None:
                    cpu["server_from"] = tree_cpu_seconds(server_pid)
            kind = rng.choice(kinds)
            if kind == "home":
                path = "/"
            elif kind == "search":
                q = rng.choice(queries)
                if rng.random() < 0.1:
                    q = f"{rng.choice(NICKNAMES)} {q.split()[-1]}"
                path = "/persons/?" + urllib.parse.urlencode({"q": q})
            elif kind == "person":
                pid = urllib.parse.quote(rng.choice(persons))
                path = f"/persons/{run}/{pid}/"
            elif kind == "queue":
                page = rng.randint(1, queue_pages)
                path = "/review/" if page == 1 else f"/review/?page={page}"
            else:
                path = f"/review/{rng.choice(pairs)}/"
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
    client_cpu = time.process_time() - cpu.get("from", time.process_time())
    server_cpu = None
    if server_pid is not None and "server_from" in cpu:
        (user_from, system_from), (user_to, system_to) = (
            cpu["server_from"],
            tree_cpu_seconds(server_pid),
        )
        server_cpu = (user_to - user_from, system_to - system_from)
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
    # The client's share of the machine while measured (its threads, in this process).
    out["client_cpu_seconds"] = round(client_cpu, 1)
    out["client_cpu_share_of_machine"] = round(client_cpu / seconds / (os.cpu_count() or 1), 3)
    # The server's CPU per page (its processes, while measured): what a page costs whatever
    # else runs on the machine; the cores divided by it bound the pages per second.
    if server_cpu is not None and total:
        out["server_cpu_seconds"] = round(sum(server_cpu), 1)
        out["server_cpu_ms_per_page"] = round(1000 * sum(server_cpu) / total, 2)
        # In Python (user) and in the kernel for it (system: sockets, locks, files).
        out["server_user_ms_per_page"] = round(1000 * server_cpu[0] / total, 2)
        out["server_system_ms_per_page"] = round(1000 * server_cpu[1] / total, 2)
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
        "--close",
        action="store_true",
        help="a new connection for every page (the server's processes share them out "
        "page by page, not connection by connection)",
    )
    parser.add_argument(
        "--pages",
        default=",".join(KINDS),
        help=f"kinds of page asked for, with equal chances (of {', '.join(KINDS)})",
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
        kinds = ("home",) if args.home else tuple(k for k in args.pages.split(",") if k)
        if not set(kinds) <= {*KINDS, "home"}:
            raise SystemExit(f"bench: --pages takes some of {', '.join(KINDS)}")
        latencies = drive(
            base,
            workload,
            args.clients,
            args.seconds,
            args.warmup,
            args.seed,
            kinds,
            args.close,
            server.pid,
        )
        report = {
            "database": "postgresql" if args.database_url else "sqlite",
            "records": workload["records"],
            "lists": workload["lists"],
            "assignments": workload["assignments"],
            "uncertain_pairs": workload.get("uncertain_pairs"),
            "pages": list(kinds),
            "connection": "new per page" if args.close else "kept open",
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
