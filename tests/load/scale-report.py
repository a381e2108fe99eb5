"""Writes one run of tests/load/scale.sh into tests/load/results/scale.md (its section replaces an earlier one for the
same number of sessions; sections are ordered by that number, largest first).

   python3 scale-report.py FIGURES OUT RESULTS_MD SESSIONS COMMAND DATE MACHINE
FIGURES holds the run's "key=value" lines; OUT the gcdump reports (heap-{base,stored}-siloN.gcdump.txt)."""
import glob
import os
import re
import sys

figures_path, out, results, sessions, command, date, machine = sys.argv[1:8]
sessions = int(sessions)
f = {}
for line in open(figures_path):
    if "=" in line:
        key, value = line.rstrip("\n").split("=", 1)
        f[key] = value


def get(key, default="-"):
    return f.get(key, default)


def num(key):
    try:
        return float(f[key].split()[0])
    except (KeyError, ValueError, IndexError):
        return None


def n(value, digits=0):
    return "-" if value is None else f"{value:,.{digits}f}"


def met(ok):
    return "-" if ok is None else ("**yes**" if ok else "**no**")


created = num("created") or 0
rows = []
rows.append(("session entries in the expiry index / Redis keys", f"{get('base.index_entries')} / {get('base.redis_keys')}",
             f"{get('stored.index_entries')} / {get('stored.redis_keys')}", "", ""))
rows.append(("reminder rows (`ZCARD {ServiceId}/reminders`)", get("base.reminder_rows"), get("stored.reminder_rows"),
             "a constant", met(None if "stored.reminder_rows" not in f else get("stored.reminder_rows") == get("base.reminder_rows"))))

per_session = None
anchor_per = None
if num("anchor.used_memory_delta") is not None and num("anchor.created"):
    anchor_per = num("anchor.used_memory_delta") / num("anchor.created")
if created and num("stored_used_memory_delta") is not None:
    per_session = num("stored_used_memory_delta") / created
rows.append(("Redis bytes per one-key session (`used_memory` delta / sessions created)", "",
             n(per_session), f"≤ ASP.NET Core Session + Redis ({n(anchor_per)} B)",
             met(None if per_session is None or anchor_per is None else per_session <= anchor_per)))
rows.append(("`MEMORY USAGE` of a session record", "", get("record_memory_usage"), "", ""))
rows.append(("`MEMORY USAGE` of index shard 0", "", get("shard0_memory_usage"), "", ""))
rows.append(("ASP.NET Core Session + Redis: `used_memory` delta / sessions; `MEMORY USAGE` of a key", "",
             f"{n(anchor_per)} B ({get('anchor.created')}); {get('anchor.key_memory_usage')}", "", ""))

# every stored session counts (the warm-up's and the restart probes' too): index entries, stored minus baseline
stored_sessions = None
if num("stored.index_entries") is not None:
    stored_sessions = num("stored.index_entries") - num("base.index_entries")
heap_per = collected_per = None
if stored_sessions and num("stored.heap") is not None:
    heap_per = (num("stored.heap") - num("base.heap")) / stored_sessions
if stored_sessions and num("collected.heap") is not None:
    collected_per = (num("collected.heap") - num("base.heap")) / stored_sessions
rows.append(("Orleans' grain directory cache entries, 3 silos (`orleans_directory_cache_size`)", get("base.directory_cache"),
             f"{get('stored.directory_cache')} ({get('collected.directory_cache')} when the activations were collected)", "", ""))
rows.append(("silo GC heap after a full GC, 3 silos (`dotnet-gcdump`), once the activations were collected "
             f"({get('collected_after_s')} s after the creation); per stored session", n(num("base.heap")),
             f"{n(num('collected.heap'))}; {n(collected_per, 1)} B", "", ""))
rows.append((f"… once the directory caches had dropped the sessions ({get('cache_drained_after_s')} s after the creation)",
             n(num("base.heap")), n(num("stored.heap")), "", ""))
rows.append((f"silo heap per idle stored session ((stored − baseline) / {n(stored_sessions)} stored sessions)", "",
             f"{n(heap_per, 1)} B", "≤ 50 B", met(None if heap_per is None else heap_per <= 50)))
gc_per = None
if stored_sessions and num("stored.gc_heap_after_gc") is not None:
    gc_per = (num("stored.gc_heap_after_gc") - num("base.gc_heap_after_gc")) / stored_sessions
rows.append(("the runtime's heap size after that GC, 3 silos (`dotnet.gc.last_collection.heap.size`); per session",
             n(num("base.gc_heap_after_gc")), f"{n(num('stored.gc_heap_after_gc'))}; {n(gc_per, 1)} B", "", ""))
rows.append(("silos' resident memory (VmRSS, 3 silos)", n(num("base.rss")), n(num("stored.rss")), "", ""))

cpu_ratio = None
if num("stored.cpu_seconds") is not None and num("base.cpu_seconds"):
    cpu_ratio = num("stored.cpu_seconds") / num("base.cpu_seconds")
rows.append((f"silos' idle CPU, CPU-seconds over the measured window, 3 silos (load then)",
             f"{get('base.cpu_seconds')} ({get('base.cpu_load')})", f"{get('stored.cpu_seconds')} ({get('stored.cpu_load')})",
             "≤ 1.5× baseline", f"{n(cpu_ratio, 2)}× " + met(None if cpu_ratio is None else cpu_ratio <= 1.5)))
first_ok = [num(k) for k in ("base.first_session_s", "stored.first_session_s") if k in f]
rows.append(("kill -9 of every silo, `restart-silo 1 2 3`: first new session through nginx, s after the restart began",
             get("base.first_session_s"), get("stored.first_session_s"), "≤ 10 s",
             met(None if not first_ok or None in first_ok else max(first_ok) <= 10)))
rows.append(("… all three silos healthy, s (load then)", f"{get('base.all_healthy_s')} ({get('base.restart_load')})",
             f"{get('stored.all_healthy_s')} ({get('stored.restart_load')})", "", ""))

ratio = None
if num("creates_per_s") and num("writes_per_s"):
    ratio = num("creates_per_s") / num("writes_per_s")
rows.append(("creates/s: cookieless `POST /counter/atomic` through nginx, 32 connections (sessions, s, failed; load before → after)", "",
             f"{n(num('creates_per_s'))} ({get('created')} in {get('create_seconds')} s, {get('create_failed')} failed; "
             f"{get('create_load_before')} → {get('create_load_after')})", "≥ 0.8× writes/s",
             f"{n(ratio, 2)}× " + met(None if ratio is None else ratio >= 0.8)))
rows.append(("writes/s: `POST /counter` on 1,000 of them, rotating cookies, 10 s after 3 s of warm-up (errors; load)", "",
             f"{n(num('writes_per_s'))} ({get('writes_errors')}; {get('writes_load')})", "", ""))
rows.append(("sessions created by the 3 s warm-up before the measured creation (stored too)", "", get("warmup_sessions"), "", ""))

for run, title in (("expiry1", "expiry, running farm"), ("expiry2", "expiry, every silo killed right after the creation, restarted (when half were due, unless 0 overdue)")):
    if f"{run}.sessions" not in f:
        continue
    rate = num(f"{run}.rate_sweeping_per_s")
    lag_max = num(f"{run}.lag_max_after_restart_s" if run == "expiry2" else f"{run}.lag_max_s")
    text = (f"{get(run + '.created')}; deleted {get(run + '.deleted')} of {get(run + '.sessions')}; "
            f"deleted/s while sweeping ≥ 2,000 due: {get(run + '.rate_sweeping_per_s')}, best second {get(run + '.rate_peak_1s_per_s')}; "
            f"lag after expiry median {get(run + '.lag_median_s')} s, p99 {get(run + '.lag_p99_s')} s, max {get(run + '.lag_max_s')} s")
    if run == "expiry2":
        text += (f"; silos healthy {get(run + '.silos_healthy_after_s')} s after the restart began; "
                 f"{get(run + '.overdue_at_restart')} overdue then, all deleted {get(run + '.overdue_deleted_after_restart_s')} s after it; "
                 f"max lag of those due later {get(run + '.lag_max_after_restart_s')} s")
    text += f" (load {get(run + '.load')})"
    ok = None if rate is None or lag_max is None else (rate >= 2000 and lag_max <= 60)
    if run == "expiry2" and ok is not None:
        overdue_after = num(f"{run}.overdue_deleted_after_restart_s")
        ok = ok and (overdue_after is None or overdue_after <= 60)
    rows.append((title, "", text, "≥ 2,000 deleted/s; ≤ 60 s after expiry", met(ok)))


def heap_types(label):
    """Type -> [bytes, count], summed over the silos' gcdump reports (size-class lines merged)."""
    types = {}
    for path in sorted(glob.glob(os.path.join(out, f"heap-{label}-silo*.gcdump.txt"))):
        for line in open(path):
            m = re.match(r"\s*([\d,]+)\s+([\d,]+)\s+(.+?)\s*$", line)
            if not m:
                continue
            name = re.sub(r"\s*\(Bytes > [^)]*\)", "", m.group(3))
            name = re.sub(r"\s*\[[^\]]*\]$", "", name).strip()
            entry = types.setdefault(name, [0, 0])
            count = int(m.group(2).replace(",", ""))
            entry[0] += int(m.group(1).replace(",", "")) * count  # the report's first column is the size of one object
            entry[1] += count
    return types


base = heap_types("base")
divisor = stored_sessions or created


def growth_of(label):
    later = heap_types(label)
    rows = [(later.get(k, [0, 0])[0] - base.get(k, [0, 0])[0], later.get(k, [0, 0])[1] - base.get(k, [0, 0])[1],
             later.get(k, [0, 0])[0], later.get(k, [0, 0])[1], k) for k in set(base) | set(later)]
    return sorted(rows, reverse=True) if later else []

lines = [f"<!-- scale: sessions={sessions} -->",
         f"## {sessions:,} sessions, {date}", "",
         f"`{command}` on {machine}. `deploy/local/farm.sh up --storage redis` of its own (3 silos, 2 client-mode front ends, "
         f"nginx, Redis with AOF everysec), `SessionGrains:CollectionAge` lowered to {os.environ.get('SessionGrains__CollectionAge', '?')} "
         f"for the run (Orleans' collection quantum is 1 min), the N sessions' idle timeout {os.environ.get('Session__IdleTimeout', '?')}. "
         f"Load (1/5/15 min) at the start: {get('start_load')}. Baseline = the same farm before the sessions were created, "
         "after 30 s of rest; \"stored\" = once no session activation was left.", "",
         "| figure | baseline (0 sessions) | stored | target | met? |", "|---|---:|---:|---|---|"]
for name, a, b, target, ok in rows:
    if sessions == 0 and not any(ch.isdigit() for ch in f"{a}{b}"):
        continue  # a figure of the stored sessions: none in this run
    lines.append(f"| {name} | {a} | {b} | {target} | {ok} |")
for label, title, top in (("stored", "once the directory caches had dropped the sessions (\"stored\")", 15),
                          ("collected", "when the activations had just been collected", 8)):
    growth = growth_of(label)
    if not growth or not divisor:
        continue
    lines += ["", f"Heap types that grew most from the baseline to {title}, summed over the 3 silos "
                  f"(`dotnet-gcdump report`; bytes per session = growth / {int(divisor):,} stored sessions):", "",
              "| type | bytes grown | objects grown | bytes per session | then: bytes, objects |", "|---|---:|---:|---:|---:|"]
    for d_bytes, d_count, s_bytes, s_count, name in growth[:top]:
        lines.append(f"| `{name}` | {d_bytes:,} | {d_count:,} | {d_bytes / divisor:.1f} | {s_bytes:,}, {s_count:,} |")
lines.append("")
section = "\n".join(lines) + "\n"

header = ("# Scale benchmark of the Redis farm\n\n"
          "Made by `tests/load/scale.sh` (see tests/load/README.md, \"Scale\"): one section per number of sessions, the "
          "newest run for each. Raw output (wrk, gcdumps and their reports, expiry samples) stays in "
          "`tests/load/.out/scale/`.\n\n")
sections = {}
if os.path.exists(results):
    text = open(results).read()
    for part in re.split(r"(?=<!-- scale: sessions=\d+ -->)", text):
        m = re.match(r"<!-- scale: sessions=(\d+) -->", part)
        if m:
            sections[int(m.group(1))] = part.rstrip("\n") + "\n\n"
sections[sessions] = section + "\n"
with open(results, "w") as target:
    target.write(header + "".join(sections[k] for k in sorted(sections, reverse=True)).rstrip("\n") + "\n")
