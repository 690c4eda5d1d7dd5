#!/usr/bin/env python3
"""`make bench`'s table: reads the runs (one JSON object per line, from bench_load and
bench_events), prints Tick against the baseline with the targets, and writes everything, with
the date and the machine, to the JSON file named second."""
import datetime
import json
import os
import platform
import sys

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip().startswith("{")]


def find(scenario, label=None):
    for run in runs:
        if run.get("scenario") == scenario and (label is None or run.get("label") == label):
            return run
    return None


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(open("/proc/meminfo").readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({model}){memory}, {platform.system()} {platform.release()}"


rows = []


def row(what, tick, base, figure, target, met):
    rows.append({"what": what, "tick": tick, "baseline": base, "figure": figure,
                 "target": target, "met": met})


def ratio_row(what, scenario, target, tick_label="tick", tick_scenario=None):
    tick = find(tick_scenario or scenario, tick_label)
    base = find(scenario, "baseline")
    if not tick or not base or not base["rps"]:
        return
    ratio = tick["rps"] / base["rps"]
    row(what, f'{tick["rps"]:.0f}/s', f'{base["rps"]:.0f}/s', f"{ratio:.2f}×",
        f"≥ {target}×" if target else "", ratio >= target if target else None)


mixed = find("Mixed", "tick")
users = f'{mixed["users"]:,}' if mixed else "1,000"
ratio_row(f"mixed, {users} users, 9 loads : 1 change (throughput)", "Mixed", 0.7)
tick, base = find("MixedAtRate", "tick"), find("MixedAtRate", "baseline")
if tick and base:
    ratio = tick["p99_ms"] / base["p99_ms"] if base["p99_ms"] else float("inf")
    row(f'mixed at {tick["rate"]:.0f}/s: p50 / p99 / p99.9',
        f'{tick["p50_ms"]:.1f} / {tick["p99_ms"]:.1f} / {tick["p999_ms"]:.1f} ms',
        f'{base["p50_ms"]:.1f} / {base["p99_ms"]:.1f} / {base["p999_ms"]:.1f} ms',
        f"p99 {ratio:.2f}×", "p99 ≤ 2×", ratio <= 2)
ratio_row("read-only: each user's page, kept", "Page", None)
ratio_row("cache miss: page rendered, unchanged rows kept (a page after a change)", "Page", 0.5,
          tick_scenario="Miss")
ratio_row("cold: page and every row rendered", "Page", None, tick_scenario="Cold")
ratio_row("JSON API: list 50 to-dos", "ApiList", 0.9)
ratio_row("JSON API: create", "ApiCreate", 0.8)
login, hash = find("LogIn", "tick"), find("Argon2")
if login and hash:
    ceiling = hash["ceiling_per_s"]
    ratio = login["rps"] / ceiling
    base = find("LogIn", "baseline")
    row(f'log-in (one argon2id hash: {hash["hash_ms"]:.1f} ms, {hash["cores"]} cores)',
        f'{login["rps"]:.1f}/s', f'{base["rps"]:.1f}/s' if base else "",
        f"{ratio:.2f}× cores ÷ hash time", "≥ 0.8×", ratio >= 0.8)
idle, flood = find("PageIdle"), find("PageDuringLogInFlood")
if idle and flood:
    ratio = flood["p99_ms"] / idle["p99_ms"] if idle["p99_ms"] else float("inf")
    row("page p99 at 100/s during a log-in flood, against idle", f'{flood["p99_ms"]:.1f} ms',
        f'idle {idle["p99_ms"]:.1f} ms', f"{ratio:.2f}×", "≤ 2×", ratio <= 2)
base_page = find("Page", "baseline")
for scenario, what in (("SharedList", "list of 50 shared by 3, its viewer's page, kept"),
                       ("SharedListMiss", "the same, rendered every time")):
    run = find(scenario)
    if run and base_page:
        row(what, f'{run["rps"]:.0f}/s', f'{base_page["rps"]:.0f}/s (Inbox page)',
            f'{run["rps"] / base_page["rps"]:.2f}×', "", None)
for database in ("sqlite", "postgres"):
    run = find("BigData", f"tick-{database}")
    if run:
        row(f"big data on {database}: page at 100/s, rendered every time",
            f'p99 {run["p99_ms"]:.1f} ms (p50 {run["p50_ms"]:.1f})', "", f'{run["p99_ms"]:.1f} ms',
            "p99 < 20 ms", run["p99_ms"] < 20 and run["errors"] == 0)
events = find("LiveSync")
if events:
    row(f'live sync: one change to {events["streams"]} open streams',
        f'p99 {events["p99_ms"]:.1f} ms, {events["kib_per_stream"]:.1f} KiB each', "",
        f'{events["p99_ms"]:.1f} ms', "p99 < 100 ms, < 64 KiB each",
        events["p99_ms"] < 100 and events["kib_per_stream"] < 64
        and events["reached"] == events["streams"])

errors = [f'{r.get("label", "")} {r["scenario"]}: {r["errors"]} errors, first: {r.get("first_error")}'
          for r in runs if r.get("errors")]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
print(f"\nTick against the baseline, {now}, on {machine()}\n")
print("| what | Tick | baseline | Tick / baseline | target | met |")
print("| --- | --- | --- | --- | --- | --- |")
for r in rows:
    met = {True: "yes", False: "**no**", None: ""}[r["met"]]
    print(f'| {r["what"]} | {r["tick"]} | {r["baseline"]} | {r["figure"]} | {r["target"]} | {met} |')
for error in errors:
    print(f"warning: {error}")
json.dump({"date": now, "machine": machine(), "table": rows, "runs": runs},
          open(sys.argv[2], "w"), indent=1)
print(f"\nwritten to {sys.argv[2]}")
