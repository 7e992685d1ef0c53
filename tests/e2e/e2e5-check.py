#!/usr/bin/env python3
"""e2e5-check.py: what the issue 5 end-to-end tests read from vos-sim's
state directory and from certregen's journal (standard library only).

usage: e2e5-check.py COMMAND ARGS...

  regens EVENTS                 one "NODE UNIT COUNT" line per regenerated
                                (node, unit), sorted
  svc EVENTS                    "NODE SERVICE ACTION STATE" per svc event
  started SIMSTATE              services STARTED in the first opening that
                                are not STARTED now (state.json), one a line
  ha SIMSTATE                   groups whose HA differs from the opening
                                ("GROUP was X now Y"), one a line
  ha-events EVENTS              "GROUP VALUE BY" per ha event after the
                                opening
  changes EVENTS                the mutating events (regen, svc,
                                trust-delete, ha by axl) and mutating
                                command lines, one a line
  trust SIMSTATE                "NODE UNIT FILE expired|valid" per trust file
  serial PEM                    the certificate's serial (lower-case hex)
  kill-journal JOURNAL N PID [SECS]
                                kill -9 PID when the Nth step-begin record
                                of a mutating step appears; prints the key
  kill-event EVENTS OFFSET REGEX N PID [SECS]
                                kill -9 PID when the Nth event line matching
                                REGEX (after byte OFFSET) appears; prints
                                the line
  report FILE FIELD             a report field: result, left (the keys),
                                skipped ("NODE UNIT: reason"), steps
                                ("KEY RESULT"), verify-failed
Exit status 0, or 1 with a message on stderr (2: the kill never happened).
"""
import base64
import datetime
import json
import os
import re
import signal
import sys
import time


def events(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)


def opening(path):
    """The first opening: services per node, HA per group."""
    svcs, ha = {}, {}
    for e in events(path):
        if e["ev"] == "state" and e["node"] not in svcs:
            svcs[e["node"]] = e.get("services", {})
        elif e["ev"] == "ha" and "by" not in e and e["group"] not in ha:
            ha[e["group"]] = e["value"]
        elif e["ev"] not in ("cluster", "state", "ha", "serve", "faults"):
            break
    return svcs, ha


def c_regens(path):
    n = {}
    for e in events(path):
        if e["ev"] == "regen":
            k = (e["node"], e["unit"])
            n[k] = n.get(k, 0) + 1
    for (node, unit), c in sorted(n.items()):
        print("%s %s %d" % (node, unit, c))


def c_svc(path):
    for e in events(path):
        if e["ev"] == "svc":
            print("%s %s %s %s" % (e["node"], e["service"], e["action"],
                                   e["state"]))


def c_started(state):
    svcs, _ = opening(os.path.join(state, "events.jsonl"))
    for node in sorted(svcs):
        with open(os.path.join(state, "nodes", node, "state.json")) as f:
            now = json.load(f)["services"]
        for name, st in sorted(svcs[node].items()):
            cur = now.get(name, {}).get("state", "?")
            if st == "STARTED" and cur != "STARTED":
                print("%s %s %s" % (node, name, cur))


def c_ha(state):
    _, ha = opening(os.path.join(state, "events.jsonl"))
    with open(os.path.join(state, "cluster-state.json")) as f:
        now = json.load(f).get("ha", {})
    for g in sorted(ha):
        if now.get(g) != ha[g]:
            print("%s was %s now %s" % (g, ha[g], now.get(g)))


def c_ha_events(path):
    for e in events(path):
        if e["ev"] == "ha" and "by" in e:
            print("%s %s %s" % (e["group"], str(e["value"]).lower(),
                                e["by"]))


MUTATING_CMD = re.compile(r"^(set cert (regen|delete|import)|"
                          r"utils service (restart|stop|start))", re.I)


def c_changes(path):
    for e in events(path):
        ev = e["ev"]
        if ev in ("regen", "svc", "trust-delete") or \
                (ev == "ha" and "by" in e) or \
                (ev == "cmd" and MUTATING_CMD.match(e.get("line", ""))):
            print(json.dumps(e, sort_keys=True))


def der_items(b, off, end):
    """The DER elements in b[off:end]: (tag, start of content, end)."""
    while off < end:
        tag, ln = b[off], b[off + 1]
        off += 2
        if ln & 0x80:
            n = ln & 0x7f
            ln = int.from_bytes(b[off:off + n], "big")
            off += n
        yield tag, off, off + ln
        off += ln


def cert_fields(pem_path):
    """(serial as lower-case hex, notAfter as a UTC datetime) of a PEM
    certificate, read with a minimal DER walk (stdlib only)."""
    with open(pem_path) as f:
        text = f.read()
    body = text.split("-----BEGIN CERTIFICATE-----", 1)[1]
    body = body.split("-----END CERTIFICATE-----", 1)[0]
    der = base64.b64decode("".join(body.split()))
    _, c0, c1 = next(der_items(der, 0, len(der)))      # Certificate
    _, t0, t1 = next(der_items(der, c0, c1))           # TBSCertificate
    items = list(der_items(der, t0, t1))
    if items[0][0] == 0xa0:                            # [0] version
        items = items[1:]
    serial = der[items[0][1]:items[0][2]].hex().lstrip("0") or "0"
    _, v0, v1 = items[3]                               # Validity
    times = list(der_items(der, v0, v1))
    tag, a, b = times[1]
    t = der[a:b].decode("ascii")
    fmt = "%y%m%d%H%M%SZ" if tag == 0x17 else "%Y%m%d%H%M%SZ"
    not_after = datetime.datetime.strptime(t, fmt).replace(
        tzinfo=datetime.timezone.utc)
    return serial, not_after


def serial(pem_path):
    return cert_fields(pem_path)[0]


def c_trust(state):
    now = datetime.datetime.now(datetime.timezone.utc)
    base = os.path.join(state, "nodes")
    for node in sorted(os.listdir(base)):
        tdir = os.path.join(base, node, "trust")
        if not os.path.isdir(tdir):
            continue
        for unit in sorted(os.listdir(tdir)):
            for fn in sorted(os.listdir(os.path.join(tdir, unit))):
                _, na = cert_fields(os.path.join(tdir, unit, fn))
                print("%s %s %s %s" % (node, unit, fn,
                                       "valid" if na > now else "expired"))


def alive(pid):
    """Running, not a zombie waiting for its parent."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def wait_kill(pid, secs, found):
    """Poll found() until it returns a text, then kill -9 pid."""
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        t = found()
        if t is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                print("process %d ended before the kill" % pid,
                      file=sys.stderr)
                return 2
            print(t)
            return 0
        if not alive(pid):
            print("process %d ended first" % pid, file=sys.stderr)
            return 2
        time.sleep(0.002)
    print("timed out", file=sys.stderr)
    return 2


class Tail:
    def __init__(self, path, off):
        self.path, self.off, self.buf = path, off, b""

    def lines(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.off)
                data = f.read()
        except FileNotFoundError:
            return []
        self.off += len(data)
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        return [d.decode("utf-8", "replace") for d in done]


def c_kill_journal(path, n, pid, secs):
    tail, mutating, seen = Tail(path, 0), set(), [0]

    def found():
        for line in tail.lines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if r.get("ev") == "run-begin":
                mutating.clear()
                mutating.update(s["key"] for s in r.get("plan", [])
                                if s.get("mutating"))
            elif r.get("ev") == "step-begin" and r.get("key") in mutating:
                seen[0] += 1
                if seen[0] == n:
                    return r["key"]
        return None
    return wait_kill(pid, secs, found)


def c_kill_event(path, off, rx, n, pid, secs):
    tail, pat, seen = Tail(path, off), re.compile(rx), [0]

    def found():
        for line in tail.lines():
            if pat.search(line):
                seen[0] += 1
                if seen[0] == n:
                    return line
        return None
    return wait_kill(pid, secs, found)


def c_report(path, field):
    with open(path) as f:
        r = json.load(f)
    if field == "result":
        print(r.get("result"))
    elif field == "left":
        for s in r.get("left", []):
            print(s["key"])
    elif field == "skipped":
        for s in r.get("skipped", []):
            print("%s %s: %s" % (s.get("node", "-"), s.get("unit", "-"),
                                 s["reason"]))
    elif field == "steps":
        for s in r.get("steps", []):
            print("%s %s" % (s["key"], s["result"]))
    elif field == "verify-failed":
        for v in r.get("verify", []):
            if not v["ok"]:
                print("%s %s %s: %s" % (v["check"], v.get("node", "-"),
                                        v.get("what", "-"), v["detail"]))
    else:
        print(json.dumps(r.get(field)))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 1
    cmd, a = argv[0], argv[1:]
    if cmd == "regens":
        c_regens(a[0])
    elif cmd == "svc":
        c_svc(a[0])
    elif cmd == "started":
        c_started(a[0])
    elif cmd == "ha":
        c_ha(a[0])
    elif cmd == "ha-events":
        c_ha_events(a[0])
    elif cmd == "changes":
        c_changes(a[0])
    elif cmd == "trust":
        c_trust(a[0])
    elif cmd == "serial":
        print(serial(a[0]))
    elif cmd == "kill-journal":
        return c_kill_journal(a[0], int(a[1]), int(a[2]),
                              float(a[3]) if len(a) > 3 else 60)
    elif cmd == "kill-event":
        return c_kill_event(a[0], int(a[1]), a[2], int(a[3]), int(a[4]),
                            float(a[5]) if len(a) > 5 else 60)
    elif cmd == "report":
        c_report(a[0], a[1])
    else:
        print("unknown command %s" % cmd, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
