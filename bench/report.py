#!/usr/bin/env python3
"""report.py WORK TF SMOKE OUT: bench/run's table (stdout) and results.md
(OUT) from the files bench/run left in WORK."""
import datetime
import json
import os
import sys

work, tf, smoke, out = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", \
    sys.argv[4]


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [l.split() for l in f if l.strip()]


def table(head, body):
    w = [max(len(str(x)) for x in col) for col in zip(head, *body)] \
        if body else [len(h) for h in head]
    line = lambda r: "| " + " | ".join(str(x).rjust(n) for x, n in
                                        zip(r, w)) + " |"
    return "\n".join([line(head), "|" + "|".join("-" * (n + 2) + ""
                                                  for n in w) + "|"] +
                     [line(r) for r in body])


md = []
text = []

# ---------------------------------------------------------------- makespan
mk = []
if os.path.exists(work + "/makespan.jsonl"):
    mk = [json.loads(l) for l in open(work + "/makespan.jsonl")]
head = ["nodes", "IM/P", "steps", "critical path s", "makespan s",
        "ratio", "ratio at tf=1", "CPU s", "CPU ms/node", "RSS MB",
        "inventory s (forced)", "regen cmds s (sim)", "restart cmds s (sim)",
        "between steps s", "verify+export s"]
body = []
for m in mk:
    cp = m["cp"]["critical_path_s"]
    sim = m["cp"]["simulated_s"]
    cpu = m["user_s"] + m["sys_s"]
    ph = m["phases"]
    over = m["wall_s"] - cp
    between = (ph["run_ms"] - ph["inventory_ms"] - ph["regen_cmd_ms"] -
               ph["restart_cmd_ms"] - ph["tail_ms"]) / 1000
    body.append([
        m["nodes"], m["cp"]["imp_nodes"], m["steps"], "%.2f" % cp,
        "%.2f" % m["wall_s"], "%.3f" % (m["wall_s"] / cp),
        "%.3f" % (1 + over / sim), "%.2f" % cpu,
        "%.0f" % (cpu * 1000 / m["nodes"]), "%.1f" % (m["maxrss_kb"] / 1024),
        "%.2f (%.2f)" % (ph["inventory_ms"] / 1000,
                         ph["inventory_forced_ms"] / 1000),
        "%.2f (%.2f)" % (ph["regen_cmd_ms"] / 1000,
                         ph["regen_cmd_simulated_ms"] / 1000),
        "%.2f (%.2f)" % (ph["restart_cmd_ms"] / 1000,
                         ph["restart_cmd_simulated_ms"] / 1000),
        "%.2f" % between, "%.2f" % (ph["tail_ms"] / 1000)])
t_mk = table(head, body)

# ---------------------------------------------------------------- sessions
ss = rows(work + "/sessions.txt")
# parallel P sessions N repeat R min_ms A median_ms B max_ms C
one = None
for r in ss:
    if r[3] == "1":
        one = float(r[9])
body = []
for r in ss:
    med = float(r[9])
    body.append([r[3], r[1], r[5], r[7], r[9], r[11],
                 "%.2f" % (med / one) if one else "-",
                 "%.0f" % (med - one) if one else "-"])
t_ss = table(["N", "ssh.parallel", "repeat", "min ms", "median ms",
              "max ms", "vs N=1", "extra ms"], body)

# ---------------------------------------------------------------- outage
t_out = ""
if os.path.exists(work + "/outage-merged.json"):
    om = json.load(open(work + "/outage-merged.json"))
    os_ = json.load(open(work + "/outage-seed.json"))
    model = json.load(open(work + "/outage-model.json"))
    svcs = sorted(set(om["by_service_ms"]) | set(os_["by_service_ms"]))
    body = [[s, "%.2f" % (om["by_service_ms"].get(s, 0) / 1000),
             "%.2f" % (os_["by_service_ms"].get(s, 0) / 1000)] for s in svcs]
    body.append(["total (restarts: %d vs %d)" % (om["restarts"],
                                                  os_["restarts"]),
                 "%.2f" % (om["outage_ms"] / 1000),
                 "%.2f" % (os_["outage_ms"] / 1000)])
    body.append(["ratio merged / seed (measured)",
                 "%.3f" % (om["outage_ms"] / os_["outage_ms"]), ""])
    body.append(["ratio from the delays alone",
                 "%.3f" % model["ratio"], ""])
    t_out = table(["IM/P service (service-seconds not STARTED)",
                   "certregen regen", "seed: five runs"], body)

# ---------------------------------------------------------------- expect
ex = rows(work + "/expect.txt")
# tool MB e u s M [output...]
res = {}
cpu = {}
body = []
for r in ex:
    if len(r) < 6:
        body.append([r[0], r[1], "failed", "", "", "", "", ""])
        continue
    tool, mb = r[0], int(r[1])
    e, u, s, m = float(r[2]), float(r[3]), float(r[4]), int(r[5])
    o = " ".join(r[6:])
    res[(tool, mb)] = e
    cpu[(tool, mb)] = u + s
    lines = ""
    if "lines" in r[6:]:
        lines = r[6:][r[6:].index("lines") + 1]
    elif tool == "pcre2grep":
        lines = r[6] + " (lines)"
    peak = ""
    if "peak_buffer" in r[6:]:
        peak = r[6:][r[6:].index("peak_buffer") + 1]
    body.append([tool, mb, "%.2f" % e, "%.1f" % (mb / e) if e > 0 else "inf",
                 "%.2f" % (u + s),
                 "%.1f" % (mb / (u + s)) if u + s > 0 else "inf",
                 "%.1f" % (m / 1024), lines, peak])
t_ex = table(["consumer", "MB", "wall s", "MB/s (wall)", "CPU s",
              "MB/s (CPU)", "peak RSS MB",
              "matches", "match buffer peak B"], body)
cmp_rows = []
for mb in sorted({k[1] for k in res}):
    eng = res.get(("engine", mb))
    if not eng:
        continue
    row = [mb, "%.2f" % eng, "%.2f" % cpu[("engine", mb)]]
    for peer in ("pcre2grep", "tcl-expect", "pexpect", "engine-buf1k"):
        v = res.get((peer, mb))
        w = cpu.get((peer, mb))
        row.append("%.2f / %.2f" % (v / eng, w / max(cpu[("engine", mb)],
                                                       0.01)) if v else "-")
    cmp_rows.append(row)
t_cmp = table(["MB", "engine wall s", "engine CPU s",
               "pcre2grep / engine", "Tcl Expect / engine",
               "pexpect / engine", "engine bufmax 1 KiB / engine"],
              cmp_rows) + ("\n\nRatios: time of the peer / time of the "
                           "engine, wall / CPU (above 1: the engine is "
                           "faster).")

machine = open(work + "/machine.txt").read().rstrip()
cmds = open(work + "/commands.txt").read().rstrip()

text = ["Makespan (full regen) against the critical path, time_factor %g:"
        % tf, t_mk, "", "Sessions (login and CLI start):", t_ss, ""]
if t_out:
    text += ["Outage (4 nodes, 2 IM/P):", t_out, ""]
text += ["Expect engine (pipe, capture off):", t_ex, "", t_cmp]
print("\n".join(text))

if out != "/dev/null":
    now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
    with open(out, "w") as f:
        f.write(open(os.path.join(os.path.dirname(__file__),
                                  "results.head.md")).read()
                if os.path.exists(os.path.join(os.path.dirname(__file__),
                                               "results.head.md")) else "")
        f.write("## Run of %s%s\n\n" % (now, " (smoke)" if smoke else ""))
        f.write("Command: `bench/run` (from the build directory)\n\n")
        f.write("### Machine and versions\n\n```\n%s\n```\n\n" % machine)
        f.write("### Makespan against the critical path\n\n")
        f.write("time_factor %g; the critical path and the phases are "
                "explained above.  `ratio at tf=1` adds the same absolute "
                "overhead to the critical path in real (unscaled) "
                "delays.\n\n%s\n\n" % (tf, t_mk))
        f.write("### Sessions\n\n%s\n\n" % t_ss)
        if t_out:
            f.write("### Outage\n\n%s\n\n" % t_out)
        f.write("### Expect engine\n\n%s\n\n%s\n\n" % (t_ex, t_cmp))
        f.write("### Exact commands\n\n```\n%s\n```\n" % cmds)
