#!/usr/bin/env python3
"""analyze.py: the figures bench/run derives from a cluster description
(bench/gen-cluster.py's cluster.json) and vos-sim's event log.

    analyze.py cp CLUSTER.json
        the critical path in seconds (JSON), and what it counts
    analyze.py phases CLUSTER.json EVENTS.jsonl
        where a regen run's time went (JSON), from the simulator's clock
    analyze.py outage EVENTS.jsonl [EVENTS.jsonl ...]
        service-seconds not STARTED on IM/P nodes (JSON)

The critical path is what the procedure forces to be serial, in the
cluster's own delays times its time_factor:
  - one CLI start (sessions are opened in parallel, so one is on the path);
  - every regen, one after another (per unit, publisher first, then each
    subscriber): delays.regen each;
  - every restart, one after another, with the merged restart list of
    DESIGN.md (cup: SIP Proxy, Presence Engine, SIP Federation CM if SIP
    federation; cup-xmpp + cup-xmpp-s2s: one XCP Router; cup-xmpp-s2s: XMPP
    Federation CM if XMPP federation; ipsec: DRF Master on the CUCM
    publisher, DRF Local on each IM/P node; tomcat: Tomcat on each IM/P
    node): the service's stop + start delay each;
  - the HA AXL calls (off before the restarts, on after): the simulator
    gives them no delay, so they count 0.
Reading the nodes (inventory), backups, verification and TLS probes are
not forced by the procedure's delays: they are certregen's part.
"""
import json
import sys

UNITS = ["cup", "cup-xmpp", "cup-xmpp-s2s", "ipsec", "tomcat"]


def service_delay(c, name):
    d = c["delays"]
    stop, start = d["service_stop"], d["service_start"]
    for s in d["services"]:
        if s["name"] == name:
            stop = s.get("stop", stop)
            start = s.get("start", start)
    return stop + start


def restarts(c, merged=True):
    """[(node, service)] in procedure order."""
    imps = [n["name"] for n in c["nodes"] if n["product"] == "imp"]
    cucm_pub = [n["name"] for n in c["nodes"] if n["product"] == "cucm"][0]
    fed = c["federation"]
    per_unit = [
        ("cup", ["Cisco SIP Proxy", "Cisco Presence Engine"] +
         (["Cisco XCP SIP Federation Connection Manager"]
          if fed["sip"] else [])),
        ("cup-xmpp", ["Cisco XCP Router"]),
        ("cup-xmpp-s2s", ["Cisco XCP Router"] +
         (["Cisco XCP XMPP Federation Connection Manager"]
          if fed["xmpp"] else [])),
        ("ipsec", ["Cisco DRF Master", "Cisco DRF Local"]),
        ("tomcat", ["Cisco Tomcat"]),
    ]
    out = []
    if merged:
        seen = []
        for _, svcs in per_unit:
            for s in svcs:
                if s not in seen:
                    seen.append(s)
        plan = [(None, seen)]
    else:
        plan = per_unit
    for _, svcs in plan:
        for s in svcs:
            if s == "Cisco DRF Master":
                out.append((cucm_pub, s))
            else:
                out.extend((n, s) for n in imps)
    return out


def critical_path(c):
    tf = c["time_factor"]
    d = c["delays"]
    imps = [n for n in c["nodes"] if n["product"] == "imp"]
    nregen = len(imps) * len(UNITS)
    rs = restarts(c, True)
    rsec = sum(service_delay(c, s) for _, s in rs)
    sim = d["cli_start"] + nregen * d["regen"] + rsec
    return {
        "nodes": len(c["nodes"]), "imp_nodes": len(imps),
        "time_factor": tf,
        "cli_start_s": d["cli_start"] * tf,
        "regens": nregen, "regen_s": nregen * d["regen"] * tf,
        "restarts": len(rs), "restart_s": rsec * tf,
        "axl_calls": 2, "axl_s": 0.0,
        "simulated_s": sim, "critical_path_s": sim * tf,
    }


def load(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def phases(c, events):
    """Split a run by the simulator's clock (ms)."""
    tf = c["time_factor"]
    d = c["delays"]
    ev = [e for e in events if e["ev"] not in ("cluster", "state", "serve")]
    conn = [e["t"] for e in ev if e["ev"] == "connect"]
    t0 = min(conn)
    t_end = max(e["t"] for e in ev if e["ev"] in ("cmd", "disconnect",
                                                  "ha", "svc", "regen"))
    # Each delayed command: from its cmd event to the event that ends it.
    regen_busy = svc_busy = 0
    regen_sim = svc_sim = 0.0
    first_regen = last_regen = first_svc = last_svc = None
    open_cmd = {}
    for e in ev:
        if e["ev"] == "cmd":
            line = e["line"]
            if line.startswith("set cert regen "):
                open_cmd[e["node"]] = ("regen", e["t"])
                if first_regen is None:
                    first_regen = e["t"]
            elif line.startswith("utils service restart "):
                open_cmd[e["node"]] = ("svc", e["t"], line[len(
                    "utils service restart "):])
                if first_svc is None:
                    first_svc = e["t"]
        elif e["ev"] == "regen" and e["node"] in open_cmd:
            k = open_cmd.pop(e["node"])
            regen_busy += e["t"] - k[1]
            regen_sim += d["regen"] * tf * 1000
            last_regen = e["t"]
        elif e["ev"] == "svc" and e["node"] in open_cmd:
            k = open_cmd.pop(e["node"])
            svc_busy += e["t"] - k[1]
            svc_sim += service_delay(c, e["service"]) * tf * 1000
            last_svc = e["t"]
    login_ms = (first_regen - t0) if first_regen is not None else None
    return {
        "first_connect_ms": t0,
        "inventory_ms": login_ms,
        "inventory_forced_ms": d["cli_start"] * tf * 1000,
        "regen_phase_ms": (last_regen - first_regen)
        if first_regen is not None and last_regen is not None else None,
        "regen_cmd_ms": regen_busy, "regen_cmd_simulated_ms": regen_sim,
        "restart_phase_ms": (last_svc - last_regen)
        if last_svc is not None and last_regen is not None else None,
        "restart_cmd_ms": svc_busy, "restart_cmd_simulated_ms": svc_sim,
        "tail_ms": (t_end - last_svc) if last_svc is not None else None,
        "run_ms": t_end - t0,
    }


def outage(event_files):
    """Sum over IM/P services of the time between a restart/stop command
    and the svc event that says STARTED again (or the end of the log)."""
    total = 0
    count = 0
    detail = {}
    for path in event_files:
        ev = load(path)
        imp = set()
        for e in ev:
            if e["ev"] == "cluster":
                imp |= {n["name"] for n in e["nodes"]
                        if n["product"] == "imp"}
        down = {}
        for e in ev:
            if e["ev"] == "cmd" and e["node"] in imp:
                for verb in ("restart", "stop"):
                    p = "utils service %s " % verb
                    if e["line"].startswith(p):
                        down.setdefault((e["node"], e["line"][len(p):]),
                                        e["t"])
            elif e["ev"] == "svc" and e["node"] in imp:
                key = (e["node"], e["service"])
                if e["state"] == "STARTED" and key in down:
                    ms = e["t"] - down.pop(key)
                    total += ms
                    count += 1
                    detail[e["service"]] = detail.get(e["service"], 0) + ms
        end = max(e["t"] for e in ev)
        for key, t in down.items():  # never came back: count to the end
            total += end - t
            count += 1
    return {"outage_ms": total, "restarts": count, "by_service_ms": detail}


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "cp":
        out = critical_path(json.load(open(a[1])))
    elif len(a) == 3 and a[0] == "phases":
        out = phases(json.load(open(a[1])), load(a[2]))
    elif len(a) >= 2 and a[0] == "outage":
        out = outage(a[1:])
    elif len(a) == 2 and a[0] == "seed-outage":
        c = json.load(open(a[1]))
        m = sum(service_delay(c, s) for n, s in restarts(c, True)
                if n.startswith("IMP"))
        s = sum(service_delay(c, s) for n, s in restarts(c, False)
                if n.startswith("IMP"))
        out = {"merged_s": m * c["time_factor"],
               "seed_s": s * c["time_factor"], "ratio": m / s}
    else:
        sys.exit(__doc__)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
