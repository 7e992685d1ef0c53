#!/usr/bin/env python3
# gen.py: writes the hand-made event logs of tests/conformance.sh.
# Each case is a list of procedure steps (regen, svc, ha, delete...) that a
# small renderer turns into vos-sim events (docs/events.md) with times,
# command lines and serials.  Cases derive from a correct run by editing the
# step list, so each breaks one rule.  The expected results are asserted in
# tests/conformance.sh, not here.  usage: gen.py OUTDIR
import copy
import json
import os
import sys

CUCM_SVCS = ["Cisco CallManager", "Cisco Tftp", "Cisco DRF Local",
             "Cisco Tomcat", "Cisco Certificate Expiry Monitor",
             "Cisco Certificate Change Notification", "Cisco AXL Web Service",
             "A Cisco DB"]
IMP_SVCS = ["Cisco SIP Proxy", "Cisco Presence Engine", "Cisco XCP Router",
            "Cisco XCP Connection Manager", "Cisco XCP Authentication Service",
            "Cisco XCP SIP Federation Connection Manager",
            "Cisco XCP XMPP Federation Connection Manager", "Cisco DRF Local",
            "Cisco DRF Master", "Cisco Tomcat",
            "Cisco Certificate Expiry Monitor",
            "Cisco Intercluster Sync Agent", "Cisco Server Recovery Manager",
            "Cisco AXL Web Service", "Cisco Database Layer Monitor",
            "A Cisco DB", "System SSH", "Cisco Tomcat Stats Servlet"]
IMP_UNITS = ["cup", "cup-ECDSA", "cup-xmpp", "cup-xmpp-ECDSA", "cup-xmpp-s2s",
             "ipsec", "tomcat", "tomcat-ECDSA"]
CUCM_UNITS = ["CallManager", "CAPF", "TVS", "ITLRecovery", "ipsec", "tomcat"]
UNITS5 = ["cup", "cup-xmpp", "cup-xmpp-s2s", "ipsec", "tomcat"]
OLD_PUB_IPSEC = "4c7d01"   # an earlier CUCMPUB ipsec, still in ipsec-trust
# Where vos-sim puts a node's certificate of a unit (docs/simulator.md,
# "Trust spread"): unit -> [(trust unit, which nodes get it)].
SPREAD = {
    "tomcat": [("tomcat-trust", "all")],
    "tomcat-ECDSA": [("tomcat-trust", "all")],
    "ipsec": [("ipsec-trust", "ipsec")],
    "cup": [("cup-trust", "imp"), ("CallManager-trust", "cucm")],
    "cup-ECDSA": [("cup-trust", "imp")],
    "cup-xmpp": [("cup-xmpp-trust", "imp")],
    "cup-xmpp-ECDSA": [("cup-xmpp-trust", "imp")],
    "cup-xmpp-s2s": [("cup-xmpp-trust", "imp")],
    "cup-xmpp-s2s-ECDSA": [("cup-xmpp-trust", "imp")],
    "CallManager": [("CallManager-trust", "cucm")],
    "CallManager-ECDSA": [("CallManager-trust", "cucm")],
    "CAPF": [("CAPF-trust", "cucm")],
    "TVS": [("CallManager-trust", "cucm")],
}


class Cluster:
    """The facts of a simulated cluster and its opening state."""

    def __init__(self, imp_subs=2, groups=None, sip=False, xmpp=True,
                 ca=(), svc=None, trust=None, seeded=False):
        self.cucm = ["CUCMPUB", "CUCMSUB1"]
        self.imp = ["IMPPUB"] + ["IMPSUB%d" % i for i in range(1, imp_subs + 1)]
        self.nodes = self.cucm + self.imp
        if groups is None:
            groups = [("DefaultCUPSubcluster", ["IMPPUB", "IMPSUB1"], True),
                      ("Subcluster2", self.imp[2:], False)]
        self.groups = groups
        self.sip, self.xmpp = sip, xmpp
        serial = 0x2a17c0
        self.units = {}
        for i, n in enumerate(self.nodes):
            us = IMP_UNITS if n in self.imp else CUCM_UNITS
            self.units[n] = {}
            for u in us:
                serial += 0x1f3
                self.units[n][u] = {"serial": "%x" % serial,
                                    "ca_signed": (n, u) in ca,
                                    "not_after": "2027-02-03T15:31:38Z"}
        pub_ipsec = self.units["CUCMPUB"]["ipsec"]["serial"]
        pub_tomcat = self.units["CUCMPUB"]["tomcat"]["serial"]
        self.trust = {}
        for n in self.nodes:
            tr = {"tomcat-trust": ["CUCMPUB_%s.pem" % pub_tomcat,
                                   "oldpeer_1f2e.pem"],
                  "ipsec-trust": [] if n == "CUCMPUB" else
                  ["CUCMPUB_%s.pem" % pub_ipsec,
                   "CUCMPUB_%s.pem" % OLD_PUB_IPSEC]}
            if n in self.imp:
                tr["cup-trust"] = ["old-ca.pem", "corp-root_7a.pem"]
                tr["cup-xmpp-trust"] = ["corp-root_7a.pem"]
            else:
                tr["CallManager-trust"] = ["corp-root_7a.pem"]
            self.trust[n] = tr
        if seeded:
            # as vos-sim seeds them: every node's certificates where the
            # trust spread puts them (and the entries above)
            for n in self.nodes:
                for u, info in self.units[n].items():
                    self.spread(n, u, None, info["serial"])
        for (n, u), files in (trust or {}).items():
            self.trust[n][u] = list(files)
        self.svc = {}
        for n in self.nodes:
            if n in self.imp:
                st = {s: "STARTED" for s in IMP_SVCS}
                st["Cisco DRF Master"] = "STOPPED"
                st["Cisco AXL Web Service"] = "NOTACTIVATED"
                if not sip:
                    st["Cisco XCP SIP Federation Connection Manager"] = \
                        "NOTACTIVATED"
                if not xmpp:
                    st["Cisco XCP XMPP Federation Connection Manager"] = \
                        "NOTACTIVATED"
            else:
                st = {s: "STARTED" for s in CUCM_SVCS}
                if n == "CUCMPUB":
                    st["Cisco DRF Master"] = "STARTED"
            self.svc[n] = st
        for (n, s), v in (svc or {}).items():
            self.svc[n][s] = v
        self.ha = {g: on for g, _, on in groups}

    @staticmethod
    def cn(n, u):
        if u == "CAPF":
            return "CAPF-" + n
        return n + "-EC" if u.endswith("-ECDSA") else n

    def spread(self, n, u, old, new):
        """vos-sim's trust spread of n's certificate of u: the new file
        replaces the old one where the certificate goes."""
        for tu, scope in SPREAD.get(u, []):
            for m in self.nodes:
                if scope == "imp" and m not in self.imp or \
                        scope == "cucm" and m in self.imp or \
                        scope == "ipsec" and "CUCMPUB" not in (n, m) and \
                        m != n:
                    continue
                files = self.trust[m].setdefault(tu, [])
                if old is not None and "%s_%s.pem" % (self.cn(n, u),
                                                      old) in files:
                    files.remove("%s_%s.pem" % (self.cn(n, u), old))
                f = "%s_%s.pem" % (self.cn(n, u), new)
                if f not in files:
                    files.append(f)
                files.sort()

    def node_fact(self, i, n):
        imp = n in self.imp
        return {"name": n, "fqdn": "%s.demo.lab" % n.lower(),
                "ip": "127.0.10.%d" % (11 + i), "product": "imp" if imp
                else "cucm",
                "cucm_role": "publisher" if n == "CUCMPUB" else "subscriber",
                "db_role": "publisher" if n in ("CUCMPUB", "IMPPUB")
                else "subscriber",
                "version": "14.0.1.12900-2", "imp_publisher": n == "IMPPUB"}


class Render:
    """Turns steps into events, tracking serials and states."""

    def __init__(self, cl, v2=False):
        self.cl = cl
        self.v2 = v2     # newer fields: svc begin/result, trust-delete
        self.t = 0
        self.out = []
        self.next_serial = 0x71b300
        self.old_serial = {}    # (node, unit) -> serial before its regen

    def emit(self, ev, **f):
        d = {"t": self.t, "ev": ev}
        d.update(copy.deepcopy(f))   # the tracked state changes later
        self.out.append(d)

    def tick(self, ms=100):
        self.t += ms

    def opening(self, restart=False, svc=None):
        cl = self.cl
        c = {"name": "demo",
             "nodes": [cl.node_fact(i, n) for i, n in enumerate(cl.nodes)],
             "federation": {"sip": cl.sip, "xmpp": cl.xmpp},
             "groups": [{"name": g, "nodes": m} for g, m, _ in cl.groups],
             "sso": False}
        if restart:
            c["restart"] = True
        self.emit("cluster", **c)
        for n in cl.nodes:
            services = dict(cl.svc[n])
            for (sn, s), v in (svc or {}).items():
                if sn == n:
                    services[s] = v
            self.emit("state", node=n, units=cl.units[n],
                      trust=cl.trust[n], services=services)
        for g, _, _ in cl.groups:
            self.emit("ha", group=g, value=cl.ha[g])

    def step(self, s):
        kind = s[0]
        cl = self.cl
        if kind == "session":
            for i, n in enumerate(cl.nodes):
                self.emit("connect", node=n, peer="127.0.0.1:%d" % (40100 + i))
                self.emit("auth", node=n, method="password", user="admin",
                          result="ok")
                self.emit("cmd", node=n, line="set cli pagination off")
                self.tick(10)
        elif kind == "bye":
            for n in cl.nodes:
                self.emit("disconnect", node=n, reason="exit")
        elif kind == "regen":
            _, n, u = s[:3]
            old = s[3] if len(s) > 3 else cl.units[n][u]["serial"]
            self.tick()
            self.emit("cmd", node=n, line="set cert regen %s" % u)
            self.tick(1500)
            self.next_serial += 0x2d1
            new = "%x" % self.next_serial
            self.emit("regen", node=n, unit=u, old_serial=old, new_serial=new)
            cl.units[n][u] = dict(cl.units[n][u], serial=new, ca_signed=False)
            self.old_serial[(n, u)] = old
            cl.spread(n, u, old, new)
        elif kind == "svc":
            _, n, svc, action = s[:4]
            opts = s[4] if len(s) > 4 else {}
            state = opts.get("state",
                             "STOPPED" if action == "stop" else "STARTED")
            self.tick()
            begin = self.t
            if not opts.get("nocmd"):
                self.emit("cmd", node=n, line="utils service %s %s"
                          % (action, svc))
            for sub in opts.get("during", []):
                self.tick(20)
                self.step(sub)
            self.tick(4000 if svc == "Cisco Tomcat" else 1200)
            if self.v2:
                result = opts.get("result", "ok" if state != "STARTING"
                                  else "stuck")
                self.emit("svc", node=n, service=svc, action=action,
                          state=state, begin=begin, result=result)
            else:
                self.emit("svc", node=n, service=svc, action=action,
                          state=state)
            cl.svc[n][svc] = state
            if "settle" in opts:
                # a STARTING that settles on its own later (svc-state)
                self.tick(opts["settle"])
                self.emit("svc-state", node=n, service=svc, state="STARTED",
                          **{"from": "STARTING", "cause": "settle"})
                state = cl.svc[n][svc] = "STARTED"
            served = {"Cisco Tomcat": "tomcat", "Cisco SIP Proxy": "cup",
                      "Cisco XCP Router": "cup-xmpp",
                      "Cisco XCP XMPP Federation Connection Manager":
                      "cup-xmpp-s2s"}.get(svc)
            if served and state == "STARTED" and n in cl.imp:
                self.emit("serve", node=n, unit=served,
                          serial=cl.units[n][served]["serial"])
        elif kind == "ha":
            _, g, v = s
            self.tick(300)
            self.emit("ha", group=g, value=v, by="axl")
            cl.ha[g] = v
        elif kind == "delete":
            _, n, u, f = s[:4]
            wide = s[4] if len(s) > 4 else True
            self.tick()
            self.emit("cmd", node=n, line="set cert delete %s %s" % (u, f))
            opts = s[5] if len(s) > 5 else {}
            self.tick(800)
            reached = [m for m in (cl.nodes if wide else [n])
                       if m == n or f in cl.trust[m].get(u, [])]
            if self.v2:
                base = f[:-4] if f.endswith(".pem") else f
                cn, _, serial = base.rpartition("_")
                if not cn:
                    cn, serial = base, ""
                self.emit("trust-delete", node=n, unit=u, file=f,
                          cluster_wide=wide, nodes=len(reached),
                          reached=opts.get("reached", reached),
                          serial=opts.get("serial", serial),
                          cn=opts.get("cn", cn))
            else:
                self.emit("trust-delete", node=n, unit=u, file=f,
                          cluster_wide=wide)
            for m in (cl.nodes if wide else [n]):
                if f in cl.trust[m].get(u, []):
                    cl.trust[m][u].remove(f)
        elif kind == "sim-restart":
            opts = s[1] if len(s) > 1 else {}
            for n in cl.nodes:
                self.emit("disconnect", node=n, reason="shutdown")
            self.tick(5000)
            # "unspread": (node, trust unit, src, unit): the restated list
            # still holds src's certificate of unit from before its regen
            for m, tu, n, u in opts.get("unspread", []):
                files = cl.trust[m][tu]
                files.remove("%s_%s.pem" % (cl.cn(n, u),
                                            cl.units[n][u]["serial"]))
                files.append("%s_%s.pem" % (cl.cn(n, u),
                                            self.old_serial[(n, u)]))
                files.sort()
            # "lost": (node, trust unit, src, unit): the restated list
            # lacks src's certificate of unit
            for m, tu, n, u in opts.get("lost", []):
                cl.trust[m][tu].remove("%s_%s.pem" % (
                    cl.cn(n, u), cl.units[n][u]["serial"]))
            self.opening(restart=True, svc=opts.get("svc"))
            for (n, sv), v in opts.get("svc", {}).items():
                cl.svc[n][sv] = v
        elif kind == "raw":
            self.tick()
            d = dict(s[1])
            d["t"] = self.t
            self.out.append(d)
        else:
            raise ValueError(kind)


def render(cl, steps, v2=False):
    r = Render(cl, v2)
    r.opening()
    for s in steps:
        r.step(s)
    return r.out


# ---------------------------------------------------------------- flows
def ha_groups(cl):
    return [g for g, _, on in cl.groups if on]


def regen_steps(cl, units=UNITS5, skip=()):
    """Publisher first, then each subscriber, unit by unit."""
    return [("regen", n, u) for u in units for n in cl.imp
            if (n, u) not in skip and not cl.units[n][u]["ca_signed"]]


def restart_steps(cl, units=UNITS5, nodes=None):
    """The merged restarts of DESIGN.md for the given changed units."""
    imp = nodes or cl.imp
    st = []

    def each(svc):
        st.extend(("svc", n, svc, "restart") for n in imp)
    if "cup" in units:
        each("Cisco SIP Proxy")
        each("Cisco Presence Engine")
        if cl.sip:
            each("Cisco XCP SIP Federation Connection Manager")
    if "cup-xmpp" in units or "cup-xmpp-s2s" in units:
        each("Cisco XCP Router")
    if "cup-xmpp-s2s" in units and cl.xmpp:
        each("Cisco XCP XMPP Federation Connection Manager")
    if "ipsec" in units:
        st.append(("svc", "CUCMPUB", "Cisco DRF Master", "restart"))
        each("Cisco DRF Local")
    if "tomcat" in units:
        each("Cisco Tomcat")
    return st


def with_ha(cl, steps):
    groups = ha_groups(cl)
    return [("ha", g, False) for g in groups] + steps + \
        [("ha", g, True) for g in groups]


def full_regen(cl):
    return [("session",)] + regen_steps(cl) + \
        with_ha(cl, restart_steps(cl)) + [("bye",)]


def per_unit_regen(cl):
    st = [("session",)]
    for u in UNITS5:
        st += regen_steps(cl, [u]) + with_ha(cl, restart_steps(cl, [u]))
    return st + [("bye",)]


PRUNE = [("IMPPUB", "cup-trust", "old-ca.pem"),
         ("IMPPUB", "tomcat-trust", "oldpeer_1f2e.pem"),
         ("IMPPUB", "ipsec-trust", "CUCMPUB_%s.pem" % OLD_PUB_IPSEC)]


def prune_parts(cl, deletes=PRUNE):
    """(stops, deletes, restarts, starts) of the trust procedure."""
    mons = [(n, s) for n in cl.imp for s in
            ("Cisco Certificate Expiry Monitor",
             "Cisco Intercluster Sync Agent")]
    if any(d[1] == "tomcat-trust" for d in deletes):
        mons += [(n, s) for n in cl.cucm for s in
                 ("Cisco Certificate Expiry Monitor",
                  "Cisco Certificate Change Notification")]
    stops = [("svc", n, s, "stop") for n, s in mons]
    dels = [("delete",) + d for d in deletes]
    units = sorted({d[1][:-len("-trust")] for d in deletes})
    restarts = restart_steps(cl, units)
    starts = [("svc", n, s, "start") for n, s in mons]
    return stops, dels, restarts, starts


def prune(cl, deletes=PRUNE):
    stops, dels, restarts, starts = prune_parts(cl, deletes)
    return [("session",)] + with_ha(cl, stops + dels + restarts + starts) + \
        [("bye",)]


# ---------------------------------------------------------------- edits
def find(steps, *prefix):
    for i, s in enumerate(steps):
        if s[:len(prefix)] == prefix:
            return i
    raise KeyError(prefix)


def move_before(steps, what, where):
    s = steps.pop(find(steps, *what))
    steps.insert(find(steps, *where), s)
    return steps


def drop(steps, *prefix):
    return [s for s in steps if s[:len(prefix)] != prefix]


def replace(steps, old, new):
    steps[find(steps, *old)] = new
    return steps


# ---------------------------------------------------------------- cases
def c_clean_regen():
    cl = Cluster()
    return cl, full_regen(cl)


def c_clean_regen_per_unit():
    cl = Cluster(sip=True)
    return cl, per_unit_regen(cl)


def c_clean_prune():
    cl = Cluster()
    return cl, prune(cl)


def c_clean_prune_cup():
    cl = Cluster()
    return cl, prune(cl, [("IMPSUB1", "cup-trust", "old-ca.pem")])


def c_clean_ca_skip():
    cl = Cluster(ca=[("IMPPUB", "tomcat"), ("IMPSUB2", "cup-xmpp")])
    return cl, full_regen(cl)


def c_clean_stuck_retry():
    cl = Cluster()
    st = full_regen(cl)
    i = find(st, "svc", "IMPSUB2", "Cisco Tomcat", "restart")
    st[i] = ("svc", "IMPSUB2", "Cisco Tomcat", "restart",
             {"state": "STARTING"})
    st.insert(i + 1, ("svc", "IMPSUB2", "Cisco Tomcat", "restart"))
    return cl, st


def c_clean_sim_restart():
    cl = Cluster()
    st = full_regen(cl)
    st.insert(find(st, "ha", "DefaultCUPSubcluster", False),
              ("sim-restart",))
    st.insert(find(st, "ha", "DefaultCUPSubcluster", False), ("session",))
    return cl, st


def c_clean_sim_restart_spread():
    # Trust stores as vos-sim seeds them; the simulator restarts in the
    # middle of a round and again after the last regen: the restated trust
    # lists hold every regenerated certificate where the spread put it.
    cl = Cluster(seeded=True)
    st = full_regen(cl)
    st.insert(find(st, "regen", "IMPSUB2", "ipsec"), ("sim-restart",))
    st.insert(find(st, "regen", "IMPSUB2", "ipsec"), ("session",))
    st.insert(find(st, "ha", "DefaultCUPSubcluster", False),
              ("sim-restart",))
    st.insert(find(st, "ha", "DefaultCUPSubcluster", False), ("session",))
    return cl, st


def c_clean_four_imp():
    cl = Cluster(imp_subs=3, groups=[
        ("DefaultCUPSubcluster", ["IMPPUB", "IMPSUB1"], True),
        ("Subcluster2", ["IMPSUB2", "IMPSUB3"], True)])
    return cl, full_regen(cl)


def c_regen_order():
    cl = Cluster()
    return cl, move_before(full_regen(cl), ("regen", "IMPSUB1", "cup"),
                           ("regen", "IMPPUB", "cup"))


def c_regen_order_no_pub():
    cl = Cluster()
    return cl, drop(full_regen(cl), "regen", "IMPPUB", "tomcat")


def c_restart_early():
    cl = Cluster()
    st = full_regen(cl)
    s = ("svc", "IMPPUB", "Cisco Tomcat", "restart")
    st.pop(find(st, *s))
    i = find(st, "regen", "IMPPUB", "tomcat")
    st[i + 1:i + 1] = [("ha", "DefaultCUPSubcluster", False), s,
                       ("ha", "DefaultCUPSubcluster", True)]
    return cl, st


def c_restart_early_shared():
    cl = Cluster()
    st = [("session",)] + regen_steps(cl, ["cup-xmpp"]) + \
        [("regen", "IMPPUB", "cup-xmpp-s2s")] + \
        with_ha(cl, restart_steps(cl, ["cup-xmpp"])) + \
        [("regen", n, "cup-xmpp-s2s") for n in cl.imp[1:]] + \
        with_ha(cl, restart_steps(cl, ["cup-xmpp-s2s"])) + [("bye",)]
    return cl, st


def c_restart_early_rounds():
    cl = Cluster()
    st = [("session",)] + regen_steps(cl, ["tomcat"], skip=[("IMPSUB2",
                                                              "tomcat")]) + \
        with_ha(cl, restart_steps(cl, ["tomcat"], nodes=cl.imp[:2])) + \
        regen_steps(cl, ["tomcat"]) + \
        with_ha(cl, restart_steps(cl, ["tomcat"])) + [("bye",)]
    return cl, st


def c_restart_order_pub():
    cl = Cluster()
    return cl, move_before(full_regen(cl),
                           ("svc", "IMPSUB1", "Cisco Tomcat"),
                           ("svc", "IMPPUB", "Cisco Tomcat"))


def c_restart_order_services():
    cl = Cluster()
    st = full_regen(cl)
    for n in cl.imp:
        move_before(st, ("svc", n, "Cisco Presence Engine"),
                    ("svc", "IMPPUB", "Cisco SIP Proxy"))
    return cl, st


def c_restart_order_drf():
    cl = Cluster()
    return cl, move_before(full_regen(cl),
                           ("svc", "CUCMPUB", "Cisco DRF Master"),
                           ("svc", "IMPPUB", "Cisco Tomcat"))


def c_restart_order_xmpp():
    cl = Cluster()
    return cl, move_before(full_regen(cl), (
        "svc", "IMPSUB2", "Cisco XCP XMPP Federation Connection Manager"),
        ("svc", "IMPSUB2", "Cisco XCP Router"))


def c_ha_enabled():
    cl = Cluster()
    return cl, drop(drop(full_regen(cl), "ha", "DefaultCUPSubcluster", False),
                    "ha", "DefaultCUPSubcluster", True)


def c_ha_enabled_one_group():
    cl = Cluster(imp_subs=3, groups=[
        ("DefaultCUPSubcluster", ["IMPPUB", "IMPSUB1"], True),
        ("Subcluster2", ["IMPSUB2", "IMPSUB3"], True)])
    st = drop(drop(full_regen(cl), "ha", "Subcluster2", False),
              "ha", "Subcluster2", True)
    return cl, st


def c_ha_enabled_early_restore():
    cl = Cluster()
    return cl, move_before(full_regen(cl), ("ha", "DefaultCUPSubcluster",
                                            True),
                           ("svc", "IMPSUB1", "Cisco Tomcat"))


def c_ha_enabled_during_cmd():
    # HA goes off only while the first restart is already running.
    cl = Cluster()
    st = drop(full_regen(cl), "ha", "DefaultCUPSubcluster", False)
    i = find(st, "svc", "IMPPUB", "Cisco SIP Proxy")
    st[i] = st[i] + ({"during": [("ha", "DefaultCUPSubcluster", False)]},)
    return cl, st


def c_ha_not_restored():
    cl = Cluster()
    return cl, drop(full_regen(cl), "ha", "DefaultCUPSubcluster", True)


def c_regen_ca_signed():
    cl = Cluster(ca=[("IMPSUB2", "tomcat")])
    st = full_regen(cl)   # skips the CA-signed one: put it back
    st.insert(find(st, "regen", "IMPSUB1", "tomcat") + 1,
              ("regen", "IMPSUB2", "tomcat"))
    return cl, st


def c_regen_scope_cucm():
    cl = Cluster()
    st = full_regen(cl)
    st.insert(find(st, "regen", "IMPSUB2", "tomcat") + 1,
              ("regen", "CUCMSUB1", "tomcat"))
    return cl, st


def c_regen_scope_unit():
    cl = Cluster()
    st = full_regen(cl)
    st.insert(find(st, "regen", "IMPSUB2", "tomcat") + 1,
              ("regen", "IMPPUB", "tomcat-ECDSA"))
    return cl, st


def c_regen_scope_spread():
    # Regens outside the procedure spread too: the CUCM publisher's ipsec
    # reaches every node's ipsec-trust, an ECDSA certificate (CN NODE-EC)
    # the tomcat-trust of every node.  Only regen-scope is a breach.
    cl = Cluster(seeded=True)
    st = full_regen(cl)
    i = find(st, "regen", "IMPSUB2", "tomcat") + 1
    st[i:i] = [("regen", "CUCMPUB", "ipsec"),
               ("regen", "IMPSUB1", "tomcat-ECDSA"),
               ("sim-restart",), ("session",)]
    return cl, st


def c_delete_identity():
    cl = Cluster()
    st = prune(cl)
    st.insert(find(st, "delete"), ("delete", "IMPSUB1", "cup", "cup.pem",
                                   False))
    return cl, st


def c_delete_identity_refused():
    # The node refuses: only the command line shows the attempt.
    cl = Cluster()
    st = prune(cl)
    st.insert(find(st, "delete"), ("raw", {
        "ev": "cmd", "node": "IMPSUB1", "line": "set cert delete cup cup.pem"}))
    return cl, st


def c_delete_pub_ipsec():
    cl = Cluster()
    cur = cl.units["CUCMPUB"]["ipsec"]["serial"]
    return cl, prune(cl, PRUNE + [("IMPSUB1", "ipsec-trust",
                                   "CUCMPUB_%s.pem" % cur, False)])


def c_delete_pub_ipsec_cn():
    cl = Cluster(trust={("IMPSUB2", "ipsec-trust"): ["CUCMPUB.pem"]})
    return cl, prune(cl, PRUNE + [("IMPSUB2", "ipsec-trust", "CUCMPUB.pem",
                                   False)])


def c_left_stopped_monitor():
    cl = Cluster()
    return cl, drop(prune(cl), "svc", "IMPSUB1",
                    "Cisco Intercluster Sync Agent", "start")


def c_left_stopped_stuck():
    cl = Cluster()
    return cl, replace(full_regen(cl), ("svc", "IMPSUB2", "Cisco Tomcat"),
                       ("svc", "IMPSUB2", "Cisco Tomcat", "restart",
                        {"state": "STARTING"}))


def c_left_stopped_failed_start():
    cl = Cluster()
    s = ("svc", "CUCMSUB1", "Cisco Certificate Expiry Monitor", "start")
    return cl, replace(prune(cl), s, s + ({"state": "STOPPED"},))


def c_left_stopped_was_stopped():
    # Stopped in the opening, stopped again, never started.
    x = "Cisco XCP Connection Manager"
    cl = Cluster(svc={("IMPSUB2", x): "STOPPED"})
    st = prune(cl)
    st.insert(find(st, "delete"), ("svc", "IMPSUB2", x, "stop"))
    return cl, st


def c_trust_monitors():
    cl = Cluster()
    return cl, move_before(prune(cl), ("delete", "IMPPUB", "cup-trust"),
                           ("svc", "IMPPUB", "Cisco Certificate Expiry "
                            "Monitor", "stop"))


def c_trust_monitors_cucm():
    cl = Cluster()
    st = prune(cl)
    for n in cl.cucm:
        for s in ("Cisco Certificate Expiry Monitor",
                  "Cisco Certificate Change Notification"):
            st = drop(drop(st, "svc", n, s, "stop"), "svc", n, s, "start")
    return cl, st


def c_regen_incomplete():
    cl = Cluster()
    st = [("session",)] + regen_steps(cl, ["tomcat"], skip=[("IMPSUB2",
                                                              "tomcat")]) + \
        with_ha(cl, restart_steps(cl, ["tomcat"], nodes=cl.imp[:2])) + \
        [("bye",)]
    return cl, st


def c_restart_missing():
    cl = Cluster()
    return cl, drop(full_regen(cl), "svc", "IMPSUB2", "Cisco Tomcat")


def c_restart_missing_s2s():
    cl = Cluster()
    return cl, drop(full_regen(cl), "svc", "IMPSUB1",
                    "Cisco XCP XMPP Federation Connection Manager")


def c_restart_missing_trust():
    cl = Cluster()
    st = prune(cl)
    for n in cl.imp:
        st = drop(drop(st, "svc", n, "Cisco SIP Proxy"), "svc", n,
                  "Cisco Presence Engine")
    return cl, st


def c_state_mismatch_restart():
    cl = Cluster()
    st = full_regen(cl)
    st.insert(find(st, "ha", "DefaultCUPSubcluster", False),
              ("sim-restart", {"svc": {("IMPSUB1", "Cisco Tomcat"):
                                       "STOPPED"}}))
    return cl, st


def c_state_mismatch_spread():
    # The restated trust lists do not show the spread: IMPSUB2 still trusts
    # IMPPUB's old tomcat certificate, CUCMSUB1 lacks IMPSUB1's new cup.
    cl = Cluster(seeded=True)
    st = full_regen(cl)
    st.insert(find(st, "ha", "DefaultCUPSubcluster", False), (
        "sim-restart", {
            "unspread": [("IMPSUB2", "tomcat-trust", "IMPPUB", "tomcat")],
            "lost": [("CUCMSUB1", "CallManager-trust", "IMPSUB1", "cup")]}))
    st.insert(find(st, "ha", "DefaultCUPSubcluster", False), ("session",))
    return cl, st


def c_state_mismatch_serial():
    cl = Cluster()
    return cl, replace(full_regen(cl), ("regen", "IMPSUB1", "ipsec"),
                       ("regen", "IMPSUB1", "ipsec", "badc0de"))


# ------------------------------------------------ newer event fields (v2)
# Logs with svc begin/result, svc-state, trust-delete reached/serial/cn and
# action-error (docs/events.md); the cases above keep the older form.
def c_v2_clean_regen():
    cl = Cluster()
    return cl, full_regen(cl), {"v2": True}


def c_v2_clean_prune():
    cl = Cluster()
    return cl, prune(cl), {"v2": True}


def c_v2_ha_enabled_begin():
    # No command lines: only 'begin' shows that HA was still on when the
    # first restart began (it went off while the restart ran).
    cl = Cluster()
    st = drop(full_regen(cl), "ha", "DefaultCUPSubcluster", False)
    i = find(st, "svc", "IMPPUB", "Cisco SIP Proxy")
    st[i] = st[i] + ({"nocmd": True,
                      "during": [("ha", "DefaultCUPSubcluster", False)]},)
    return cl, st, {"v2": True}


def c_v2_clean_settle():
    # A restart returns at STARTING and the service settles later.
    cl = Cluster()
    s = ("svc", "IMPSUB2", "Cisco Tomcat")
    st = replace(full_regen(cl), s, s + ("restart", {
        "state": "STARTING", "result": "settling", "settle": 900}))
    return cl, st, {"v2": True}


def c_v2_left_stopped_no_settle():
    cl = Cluster()
    s = ("svc", "IMPSUB2", "Cisco Tomcat")
    st = replace(full_regen(cl), s, s + ("restart", {
        "state": "STARTING", "result": "settling"}))
    return cl, st, {"v2": True}


def c_v2_delete_pub_ipsec_serial():
    # The file name carries no serial; the event's serial is the publisher's
    # current ipsec.
    cl = Cluster(trust={("IMPSUB2", "ipsec-trust"): ["drs-peer.pem"]})
    cur = cl.units["CUCMPUB"]["ipsec"]["serial"]
    st = prune(cl, PRUNE + [("IMPSUB2", "ipsec-trust", "drs-peer.pem", False,
                             {"serial": cur, "cn": "CUCMPUB"})])
    return cl, st, {"v2": True}


def c_v2_delete_identity_refused():
    cl = Cluster()
    st = prune(cl)
    i = find(st, "delete")
    st.insert(i, ("raw", {"ev": "action-error", "node": "IMPSUB1",
                          "action": "trust-delete", "unit": "cup",
                          "file": "cup.pem", "result": "refused",
                          "reason": "not a trust unit"}))
    st.insert(i, ("raw", {"ev": "cmd", "node": "IMPSUB1",
                          "line": "set cert delete cup cup.pem"}))
    return cl, st, {"v2": True}


def c_v2_restart_missing_reached():
    # A per-node delete whose event says it reached IMPSUB1 too: IMPSUB1's
    # cup-trust users must restart, and only IMPPUB's do.
    cl = Cluster()
    d = [("IMPPUB", "cup-trust", "old-ca.pem", False,
          {"reached": ["IMPPUB", "IMPSUB1"]})]
    stops, dels, _, starts = prune_parts(cl, d)
    restarts = restart_steps(cl, ["cup"], nodes=["IMPPUB"])
    st = [("session",)] + with_ha(cl, stops + dels + restarts + starts) + \
        [("bye",)]
    return cl, st, {"v2": True}


CASES = {name[2:].replace("_", "-"): fn for name, fn in sorted(
    globals().items()) if name.startswith("c_")}


def main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: gen.py OUTDIR\n")
        return 2
    os.makedirs(argv[0], exist_ok=True)
    for name, fn in CASES.items():
        cl, steps, *opt = fn()
        events = render(cl, steps, **(opt[0] if opt else {}))
        with open(os.path.join(argv[0], name + ".jsonl"), "w") as f:
            for e in events:
                f.write(json.dumps(e, separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
