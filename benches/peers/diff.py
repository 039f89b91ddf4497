#!/usr/bin/env python3
"""Differential benchmark: the same graph and the same analyst queries in kg,
Kùzu and ladybug (Kùzu's maintained fork); results compared, warm times side
by side in one run.

    python3 -m venv /tmp/peers && /tmp/peers/bin/pip install kuzu ladybug
    cargo build --release
    /tmp/peers/bin/python benches/peers/diff.py --graph GRAPH [--kg target/release/kg] [--base OLD_KG] [--repeat 7]

The graph (made by `kg ingest`) is read out of kg with queries, written as
CSV files per label and relationship type and copied into each peer. Kùzu
and ladybug register the same native types, so each peer runs in a child
process of its own. Times are medians of `--repeat` warm runs: kg's from
the `--timing` of one `kg run` script (graph loaded once), the
peers' from the Python API around `execute` plus fetching every row.
"""

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

NODE_PROPS = ["name", "title", "type", "date"]

# (id, description, kg query, peer query). Parameters are spliced into both
# texts as literals so both engines see exactly the same constants.
QUERIES = [
    ("lookup", "person by exact name",
     "MATCH (p:Person {name: $name}) RETURN p.name AS name",
     "MATCH (p:Person {name: $name}) RETURN p.name AS name"),
    ("one_hop", "1-hop neighbourhood of a person",
     "MATCH (p:Person {name: $name})-[r]-(x) RETURN type(r) AS t, x.name AS name",
     "MATCH (p:Person {name: $name})-[r]-(x) RETURN label(r) AS t, x.name AS name"),
    ("shortest", "shortest path between two persons",
     "MATCH (a:Person {name: $name}), (b:Person {name: $other}), p = shortestPath((a)-[*..10]-(b)) RETURN length(p) AS len",
     "MATCH p = (a:Person)-[* SHORTEST 1..10]-(b:Person) WHERE a.name = $name AND b.name = $other RETURN length(p) AS len"),
    ("two_hop", "2-hop neighbourhood size",
     "MATCH (p:Person {name: $name})--()--(m) WHERE m <> p RETURN count(DISTINCT m) AS n",
     "MATCH (p:Person {name: $name})--()--(m) WHERE id(m) <> id(p) RETURN count(DISTINCT m) AS n"),
    ("events_per_type", "events per type",
     "MATCH (e:Event) RETURN e.type AS type, count(*) AS n ORDER BY n DESC, type",
     "MATCH (e:Event) RETURN e.type AS type, count(*) AS n ORDER BY n DESC, type"),
    ("top_mentioned", "top 10 most mentioned persons",
     "MATCH (p:Person)-[:MENTIONED_IN]->(a:Article) RETURN p.name AS name, count(a) AS n ORDER BY n DESC, name LIMIT 10",
     "MATCH (p:Person)-[:MENTIONED_IN]->(a:Article) RETURN p.name AS name, count(a) AS n ORDER BY n DESC, name LIMIT 10"),
    ("co_mentions", "pairs of co-mentioned persons, top 10",
     "MATCH (p:Person)-[:MENTIONED_IN]->(a:Article)<-[:MENTIONED_IN]-(q:Person) WHERE p.name < q.name "
     "RETURN p.name AS a, q.name AS b, count(*) AS n ORDER BY n DESC, a, b LIMIT 10",
     "MATCH (p:Person)-[:MENTIONED_IN]->(a:Article)<-[:MENTIONED_IN]-(q:Person) WHERE p.name < q.name "
     "RETURN p.name AS a, q.name AS b, count(*) AS n ORDER BY n DESC, a, b LIMIT 10"),
    ("no_role", "persons with no role",
     "MATCH (p:Person) WHERE NOT (p)-[:HOLDS]->() RETURN count(p) AS n",
     "MATCH (p:Person) WHERE NOT EXISTS { MATCH (p)-[:HOLDS]->() } RETURN count(p) AS n"),
    ("regex", "=~ filter over all persons",
     "MATCH (p:Person) WHERE p.name =~ '.*an.*' RETURN count(p) AS n",
     "MATCH (p:Person) WHERE p.name =~ '.*an.*' RETURN count(p) AS n"),
    ("contains", "substring filter over all persons",
     "MATCH (p:Person) WHERE p.name CONTAINS 'an' RETURN count(p) AS n",
     "MATCH (p:Person) WHERE p.name CONTAINS 'an' RETURN count(p) AS n"),
]


def kg_rows(kg, graph, query):
    out = subprocess.run([kg, "--graph", graph, "query", "--format", "json", query],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def literal(value):
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def splice(query, params):
    for key, value in params.items():
        query = query.replace("$" + key, literal(value))
    return query


def export(kg, graph, folder):
    """Writes one CSV per label and per (type, start label, end label)."""
    nodes = kg_rows(kg, graph, "MATCH (n) RETURN id(n) AS id, labels(n)[0] AS label, "
                    + ", ".join(f"toString(n.{p}) AS {p}" for p in NODE_PROPS))
    label_of = {}
    by_label = {}
    for n in nodes:
        label_of[n["id"]] = n["label"]
        by_label.setdefault(n["label"], []).append(n)
    for label, rows in by_label.items():
        with open(os.path.join(folder, f"n_{label}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            for r in rows:
                w.writerow([r["id"]] + [r[p] if r[p] is not None else "" for p in NODE_PROPS])
    rels = kg_rows(kg, graph, "MATCH (a)-[r]->(b) RETURN id(a) AS s, type(r) AS t, id(b) AS e")
    groups = {}
    for r in rels:
        key = (r["t"], label_of[r["s"]], label_of[r["e"]])
        groups.setdefault(key, []).append((r["s"], r["e"]))
    for (t, a, b), pairs in groups.items():
        with open(os.path.join(folder, f"r_{t}_{a}_{b}.csv"), "w", newline="") as f:
            csv.writer(f).writerows(pairs)
    return sorted(by_label), sorted(groups), len(nodes), len(rels)


def peer_main(module, folder, labels, groups, cases, repeat):
    """Runs in a child process: load the CSV files, run the cases."""
    db_module = __import__(module)
    db = db_module.Database(os.path.join(folder, f"db-{module}"))
    conn = db_module.Connection(db)
    props = ", ".join(f"{p} STRING" for p in NODE_PROPS)
    for label in labels:
        conn.execute(f"CREATE NODE TABLE {label}(id INT64, {props}, PRIMARY KEY(id))")
        conn.execute(f"COPY {label} FROM '{folder}/n_{label}.csv' (header=false)")
    types = {}
    for t, a, b in groups:
        types.setdefault(t, []).append((a, b))
    for t, pairs in types.items():
        conn.execute(f"CREATE REL TABLE {t}(" + ", ".join(f"FROM {a} TO {b}" for a, b in pairs) + ")")
        for a, b in pairs:
            option = f", from='{a}', to='{b}'" if len(pairs) > 1 else ""
            conn.execute(f"COPY {t} FROM '{folder}/r_{t}_{a}_{b}.csv' (header=false{option})")
    out = {}
    for cid, query in cases:
        times, rows = [], None
        for _ in range(repeat + 1):
            started = time.perf_counter()
            result = conn.execute(query)
            names = result.get_column_names()
            got = []
            while result.has_next():
                got.append(dict(zip(names, result.get_next())))
            times.append(time.perf_counter() - started)
            rows = got
        out[cid] = {"ms": statistics.median(times[1:]) * 1000, "rows": rows}
    print(json.dumps(out, default=str))


def kg_times(kg, graph, cases, repeat):
    """Warm times: one `kg run --timing` of every case `repeat + 1` times."""
    with tempfile.NamedTemporaryFile("w", suffix=".cypher", delete=False) as f:
        for _, query in cases:
            for _ in range(repeat + 1):
                f.write(query + ";\n")
        script = f.name
    done = subprocess.run([kg, "--graph", graph, "run", "--timing", "--format", "json", script],
                          check=True, capture_output=True, text=True)
    found = [float(v) * (1000.0 if unit == "s" else 1.0)
             for v, unit in re.findall(r"time: ([0-9.]+) (ms|s)\b", done.stdout + done.stderr)]
    os.unlink(script)
    if len(found) != len(cases) * (repeat + 1):
        sys.exit(f"expected {len(cases) * (repeat + 1)} timings from kg, found {len(found)}")
    times = {}
    for i, (cid, _) in enumerate(cases):
        runs = found[i * (repeat + 1):(i + 1) * (repeat + 1)]
        times[cid] = statistics.median(runs[1:])
    return times


def normalise(rows, ordered):
    values = [tuple(str(v) for v in r.values()) for r in rows]
    return values if ordered else sorted(values)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", required=True)
    ap.add_argument("--kg", default="target/release/kg")
    ap.add_argument("--base", help="a second kg binary (e.g. a build before a change), "
                    "timed in the same run and shown beside --kg")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--peers", default="kuzu,ladybug")
    ap.add_argument("--peer-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer_child:
        spec = json.loads(args.peer_child)
        peer_main(spec["module"], spec["folder"], spec["labels"],
                  [tuple(g) for g in spec["groups"]], spec["cases"], args.repeat)
        return
    folder = tempfile.mkdtemp(prefix="kg-peers-")
    labels, groups, n_nodes, n_rels = export(args.kg, args.graph, folder)
    # a typical person (median mentions) and one more, for lookups and paths
    people = kg_rows(args.kg, args.graph,
                     "MATCH (p:Person)-[:MENTIONED_IN]->(a) RETURN p.name AS name, count(a) AS n "
                     "ORDER BY n DESC, name")
    params = {"name": people[len(people) // 2]["name"], "other": people[len(people) // 3]["name"]}
    print(f"graph: {n_nodes} nodes, {n_rels} relationships; name={params['name']!r}, other={params['other']!r}")
    kg_cases = [(cid, splice(q, params)) for cid, _, q, _ in QUERIES]
    peer_cases = [(cid, splice(q, params)) for cid, _, _, q in QUERIES]
    base_ms = kg_times(args.base, args.graph, kg_cases, args.repeat) if args.base else None
    kg_ms = kg_times(args.kg, args.graph, kg_cases, args.repeat)
    kg_results = {cid: kg_rows(args.kg, args.graph, q) for cid, q in kg_cases}
    kq_of = dict(kg_cases)
    peers = {}
    for module in [p for p in args.peers.split(",") if p]:
        spec = json.dumps({"module": module, "folder": folder, "labels": labels,
                           "groups": groups, "cases": peer_cases})
        done = subprocess.run([sys.executable, __file__, "--graph", args.graph, "--repeat",
                               str(args.repeat), "--peer-child", spec],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{module}: failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        peers[module] = json.loads(done.stdout.strip().splitlines()[-1])
    header = ["query"] + (["kg base ms"] if base_ms else []) + ["kg ms"] + [f"{p} ms" for p in peers] + ["kg / faster peer", "same rows"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for cid, desc, kq, _ in QUERIES:
        ordered = "ORDER BY" in kq
        mine = normalise(kg_results[cid], ordered)
        same = all(normalise(peers[p][cid]["rows"], ordered) == mine for p in peers)
        if args.base:
            same = same and normalise(kg_rows(args.base, args.graph, kq_of[cid]), ordered) == mine
        best = min((peers[p][cid]["ms"] for p in peers), default=float("nan"))
        cells = [desc] + ([f"{base_ms[cid]:.3f}"] if base_ms else []) + [f"{kg_ms[cid]:.3f}"] + [f"{peers[p][cid]['ms']:.3f}" for p in peers]
        cells += [f"{kg_ms[cid] / best:.2f}", "yes" if same else "NO"]
        print("| " + " | ".join(cells) + " |")
        if not same:
            for p in peers:
                theirs = normalise(peers[p][cid]["rows"], ordered)
                if theirs != mine:
                    print(f"    {cid}: kg {mine[:3]} … vs {p} {theirs[:3]} …")


if __name__ == "__main__":
    main()
