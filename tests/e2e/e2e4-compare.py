#!/usr/bin/env python3
"""e2e4-compare.py: compare what certregen printed with what vos-sim holds.

    e2e4-compare.py discover STATE DISCOVER.json
    e2e4-compare.py inventory STATE INVENTORY.json [PAGED-NODE...]
    e2e4-compare.py text STATE INVENTORY.txt

Prints one "ok"/"not ok" TAP-like line per check on stdout (without
numbers: the shell test counts them), exits 0.  STATE is the simulator's
state directory: nodes.json, nodes/NAME/own/UNIT.pem, nodes/NAME/state.json.
"""
import json
import os
import subprocess
import sys

IMP_UNITS = {"cup", "cup-ECDSA", "cup-xmpp", "cup-xmpp-ECDSA", "cup-xmpp-s2s",
             "cup-xmpp-s2s-ECDSA", "ipsec", "tomcat", "tomcat-ECDSA"}
CUCM_UNITS = {"ipsec", "tomcat"}


def check(cond, what, detail=""):
    print("%s - %s" % ("ok" if cond else "not ok", what))
    if not cond and detail:
        for line in str(detail).splitlines():
            print("# " + line)


def role(n):
    r = n["db_role"] if n["product"] == "imp" else n["cucm_role"]
    return r


def pem_facts(path):
    out = subprocess.run(["openssl", "x509", "-noout", "-serial", "-enddate",
                          "-in", path], capture_output=True, text=True,
                         check=True).stdout
    f = dict(l.split("=", 1) for l in out.strip().splitlines())
    serial = f["serial"].lower().lstrip("0") or "0"
    return serial, f["notAfter"]


def main():
    mode, state, got = sys.argv[1], sys.argv[2], sys.argv[3]
    nodes = json.load(open(os.path.join(state, "nodes.json")))
    sim = {n["name"]: n for n in nodes}
    if mode == "discover":
        d = json.load(open(got))
        names = [n["name"] for n in d]
        check(sorted(names) == sorted(sim), "discover lists every node once",
              "%s vs %s" % (names, sorted(sim)))
        for n in d:
            s = sim.get(n["name"])
            if s is None:
                continue
            check(n["host"] == s["ip"] and n["product"] == s["product"] and
                  n["role"] == role(s),
                  "discover: %s is %s %s at %s" % (n["name"], s["product"],
                                                  role(s), s["ip"]),
                  json.dumps(n))
        return
    if mode == "text":
        text = open(got).read()
        for name in sim:
            for unit in (IMP_UNITS if sim[name]["product"] == "imp"
                         else CUCM_UNITS):
                serial, _ = pem_facts(os.path.join(state, "nodes", name,
                                                   "own", unit + ".pem"))
                if serial not in text:
                    check(False, "inventory text: %s %s serial %s" %
                          (name, unit, serial))
                    return
        check(True, "inventory text shows every node's serials")
        return
    inv = json.load(open(got))
    paged = set(sys.argv[4:])
    seen = {n["name"]: n for n in inv["nodes"]}
    check(sorted(seen) == sorted(sim), "inventory lists every node once",
          "%s" % sorted(seen))
    for name, s in sorted(sim.items()):
        n = seen.get(name)
        if n is None:
            continue
        tag = "inventory %s%s" % (name, " (paged)" if name in paged else "")
        check(n.get("reachable") is True, tag + ": reachable",
              n.get("error", ""))
        check(n.get("version") == s["version"], tag + ": version " +
              s["version"], n.get("version"))
        want = IMP_UNITS if s["product"] == "imp" else CUCM_UNITS
        units = {c["unit"]: c for c in n["certificates"]}
        check(set(units) == want, tag + ": the units of a " + s["product"] +
              " node", sorted(units))
        bad = []
        for u in sorted(want & set(units)):
            path = os.path.join(state, "nodes", name, "own", u + ".pem")
            serial, not_after = pem_facts(path)
            c = units[u]
            if c.get("serial") != serial:
                bad.append("%s serial %s, on disk %s" % (u, c.get("serial"),
                                                         serial))
            issuer_is_self = c.get("issuer") == c.get("subject")
            if c.get("self_signed") != issuer_is_self or \
                    c.get("ca_signed") == c.get("self_signed"):
                bad.append("%s self_signed %s ca_signed %s" %
                           (u, c.get("self_signed"), c.get("ca_signed")))
        check(not bad, tag + ": serials and signers as on disk",
              "\n".join(bad))
        st = json.load(open(os.path.join(state, "nodes", name, "state.json")))
        bad = []
        for svc, v in n["services"].items():
            want_state = st["services"][svc]["state"]
            if want_state == "NOTACTIVATED":
                want_state = "NOT ACTIVATED"
            if v != want_state:
                bad.append("%s: %s, simulator %s" % (svc, v, want_state))
        check(n["services"] and not bad, tag + ": service states as the "
              "simulator holds them", "\n".join(bad))


if __name__ == "__main__":
    main()
