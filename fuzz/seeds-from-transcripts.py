#!/usr/bin/env python3
# seeds-from-transcripts.py: fuzz seeds from certregen's session transcripts
# of a simulator run (LOG_DIR/transcripts/RUN/NODE.log).  Each command's
# output goes, normalised (LF line ends), to the corpus of the parser that
# reads it; raw (CRLF, as the node sent it) to the expect corpus, prefixed
# with the two control bytes fuzz-expect.c reads (dialog index, read size).
#
#   fuzz/seeds-from-transcripts.py TRANSCRIPT_DIR... -o fuzz/corpus
#
# One seed per (command kind, output shape): identical outputs are kept
# once, seeds are named sim-KIND-HASH.  Standard library only.
import hashlib
import os
import re
import sys

MAX_PER_KIND = 6

# command line -> (corpus, kind, dialog file of expect/)
RULES = (
    (r"^show network cluster$", "parse-cluster", "cluster", "cluster-show"),
    (r"^show cert list (own|trust)$", "parse-cert-list", "certlist", "cert-list"),
    (r"^show cert (own|trust) \S+$", "parse-cert-show", "certshow", "cert-show"),
    (r"^utils service list$", "parse-service", "service-list", "service-list"),
    (r"^utils service (restart|stop|start) .+$", "parse-service",
     "service-progress", "service-restart"),
    (r"^utils ha status$", "parse-ha", "ha", "ha-status"),
    (r"^utils sso status$", "parse-sso", "sso", "sso-status"),
    (r"^show version active$", "parse-version", "version", "version"),
    (r"^set cert regen \S+$", None, "regen", "cert-regen"),
    (r"^set cert delete \S+ .+$", None, "delete", "cert-delete"),
)


def unescape(b):
    """Transcripts show control bytes escaped (\\r, \\e, \\xNN, \\\\)."""
    def one(m):
        t = m.group(1)
        if t == b"r":
            return b"\r"
        if t == b"e":
            return b"\x1b"
        if t == b"\\":
            return b"\\"
        if t.startswith(b"x"):
            return bytes([int(t[1:], 16)])
        return m.group(0)
    return re.sub(rb"\\(r|e|\\|x[0-9a-fA-F]{2})", one, b)


def dialog_index(name, dialogs):
    return dialogs.index(name) if name in dialogs else 0


def main(argv):
    if "-o" not in argv:
        print(__doc__ or "usage: seeds-from-transcripts.py DIR... -o CORPUS",
              file=sys.stderr)
        return 2
    i = argv.index("-o")
    out, dirs = argv[i + 1], argv[:i] + argv[i + 2:]
    here = os.path.dirname(os.path.abspath(__file__))
    dialogs = sorted(f[:-7] for f in os.listdir(os.path.join(here, "..",
                                                            "expect"))
                     if f.endswith(".dialog"))
    n = 0
    seen = set()
    per = {}
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if not f.endswith(".log"):
                    continue
                with open(os.path.join(root, f), "rb") as fh:
                    raw = unescape(fh.read())
                # The login banner, as the login dialog meets it.
                first = raw.split(b"admin:", 1)[0] + b"admin:"
                chunks = [(b"", first)]
                parts = raw.split(b"admin:")
                for p in parts[1:]:
                    line, _, rest = p.partition(b"\n")
                    chunks.append((line.rstrip(b"\r"), rest + b"admin:"))
                for cmd, body in chunks:
                    c = cmd.decode(errors="replace")
                    rule = None
                    if not cmd:
                        rule = (None, None, "login", "login")
                    for r in RULES:
                        if re.match(r[0], c):
                            rule = r
                            break
                    if rule is None:
                        continue
                    _, corpus, kind, dialog = rule
                    h = hashlib.sha1(body).hexdigest()[:10]
                    if (kind, h) in seen or per.get(kind, 0) >= MAX_PER_KIND:
                        continue
                    seen.add((kind, h))
                    per[kind] = per.get(kind, 0) + 1
                    if corpus:
                        text = body[:-len(b"admin:")].replace(b"\r\n", b"\n")
                        p = os.path.join(out, corpus)
                        os.makedirs(p, exist_ok=True)
                        with open(os.path.join(p, "sim-%s-%s" % (kind, h)),
                                  "wb") as o:
                            o.write(text)
                        n += 1
                    p = os.path.join(out, "expect")
                    os.makedirs(p, exist_ok=True)
                    with open(os.path.join(p, "sim-%s-%s" % (kind, h)),
                              "wb") as o:
                        o.write(bytes([dialog_index(dialog, dialogs), 17]) +
                                body)
                    n += 1
    print("%d seeds written" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
