"""The expiry figures of tests/load/scale.sh, from its raw files (so they can be worked out again later):

   python3 scale-expiry.py LABEL DUE_FILE SAMPLES_FILE [RESTART_MS]

DUE_FILE: the due times (Unix ms) of the measured sessions' index entries, one a line, sorted, taken right after they
were created. SAMPLES_FILE: "unix_ms entries_left keys" every second. RESTART_MS: when every silo was restarted.
Prints "LABEL.key=value" lines."""
import bisect
import sys

label, due_file, sample_file = sys.argv[1:4]
restart = float(sys.argv[4]) if len(sys.argv) > 4 else None
due = [float(x) for x in open(due_file) if x.strip()]
samples = [tuple(float(v) for v in line.split()) for line in open(sample_file) if line.strip()]
total = len(due)


def out(key, value):
    print(f"{label}.{key}={value}")


out("sessions", total)
# deleted(t) = total - entries left. The sweepers read by due time, so the k-th deletion is taken as the k-th due
# entry's, at the first sample that shows k deleted.
deleted = [(t, total - left) for t, left, _ in samples]
lags = []
j = 0
for k in range(1, total + 1):
    while j < len(deleted) and deleted[j][1] < k:
        j += 1
    if j == len(deleted):
        break
    lags.append((deleted[j][0] - due[k - 1]) / 1000)
out("deleted", len(lags))
if lags:
    ordered = sorted(lags)
    out("lag_median_s", f"{ordered[len(ordered) // 2]:.1f}")
    out("lag_p99_s", f"{ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]:.1f}")
    out("lag_max_s", f"{ordered[-1]:.1f}")
# Throughput: the seconds in which a sweep deleted while at least 2,000 expired entries were left at the second's start
# (the sweepers pass every ExpirySweepInterval and work through what is due; between passes nothing is deleted).
sweeping_time = sweeping_deleted = peak = 0.0
for (ta, da), (tb, db) in zip(deleted, deleted[1:]):
    seconds = (tb - ta) / 1000
    peak = max(peak, (db - da) / seconds)
    if db > da and bisect.bisect_right(due, ta) - da >= 2000:
        sweeping_time += seconds
        sweeping_deleted += db - da
out("rate_sweeping_per_s",
    f"{sweeping_deleted / sweeping_time:.0f} ({sweeping_deleted:.0f} in {sweeping_time:.0f} s)" if sweeping_time else "no backlog of 2,000")
out("rate_peak_1s_per_s", f"{peak:.0f}")
out("first_due_to_last_deleted_s", f"{(deleted[-1][0] - due[0]) / 1000:.0f}" if len(lags) == total else "not all deleted")
if restart is not None:
    overdue = bisect.bisect_right(due, restart)
    out("overdue_at_restart", overdue)
    when = next((t for t, d in deleted if d >= overdue), None) if overdue else None
    out("overdue_deleted_after_restart_s", f"{(when - restart) / 1000:.1f}" if when else "-")
    later = [lag for lag, d in zip(lags, due) if d > restart]
    if later:
        out("lag_max_after_restart_s", f"{max(later):.1f}")
