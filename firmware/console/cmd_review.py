"""The programmer's review screen (issue 16, item 2): `rx`, `commit [override]`,
`discard`, and the staging of a change to a programmed pump.

Hazard: a change of therapy typed in one line and in force at once (a 28-fold morphine
increase was accepted so). Once the pump holds a prescription, what `drug`, `basal`,
`basal+`, `ptm`, `reservoir-alarm` and `capacity` build is staged (`dev.staged`, a
Draft) and the pump goes on with the one in force; `rx` shows both, part by part, with
each drug's daily dose change; `commit` hands the pump the whole staged prescription,
which it checks exactly as an immediate change was checked (pump.program: the windows,
the line's floor, the concentration in the reservoir), and a change over a drug's soft
limit (pump/drug_soft.py) needs `commit override`. A refusal changes nothing and keeps
the staged change. Only a clinician stages, commits or discards (console/commands.py),
and a staged change never outlives the session that staged it (app/device.py settle(),
cmd_access logout) nor a reboot (it is never saved): no one else can commit it.

Loaded for these commands and dropped after the reply (app/lazy.py)."""
from console.show import show_bolus, show_drugs, show_int, show_sched, show_schedule
from pump.errors import PumpError, E_NOTHING_STAGED, E_SOFT_LIMIT, E_USAGE

OVERRIDE = "override"  # the word that passes a soft limit: typed, never implied


def _low(d):
    return show_int(d.low_nl_in_use())


# (command, the part of a draft as text): what a change may touch, in rx's order.
_PARTS = (("drug", lambda d: show_drugs(d.drugs)),
          ("basal", lambda d: show_schedule(d.schedule)),
          ("ptm", lambda d: "/".join(show_bolus(d.bolus))),
          ("bolus-schedule", lambda d: show_sched(d.sched)),
          ("reservoir-alarm", _low),
          ("capacity", lambda d: show_int(d.capacity_nl)))


def parts(a, b):
    """(command, text in a, text in b) for each part of two drafts that differs."""
    out = []
    for word, show in _PARTS:
        x, y = show(a), show(b)
        if x != y:
            out.append((word, x, y))
    return out


def stage(dev, cand, now, what, old, new):
    """A checked draft for a programmed pump, staged instead of programmed: checked by
    the pump as it stands (Pump.check_program: state, windows, the line's floor), so a
    line it would refuse is refused as it is typed; `commit` checks again, as things may
    have changed since. A line that changes no part of the prescription in force (or
    brings a staged draft back to it) leaves nothing staged: it is the draft in force
    (`drug` saying the reservoir's own mix again forgets a mix that waited for a refill,
    and nothing else)."""
    dev.pump.check_program(cand.build(), now)
    missing = cand.missing()
    if dev.waits_for_clock(cand.schedule, cand.sched):
        missing.append("time")
    tail = "missing=" + (",".join(missing) if missing else "-")
    if parts(dev.draft, cand):
        dev.staged = cand
        return "old=%s new=%s rx=staged %s" % (old, new, tail)
    dev.staged = None
    dev.draft = cand
    dev.record("set %s old=%s new=%s" % (what, old, new))
    return "old=%s new=%s rx=programmed %s" % (old, new, tail)


def do_rx(dev, out, args, now):
    d = dev.draft
    rx = dev.pump.rx
    dose, lockout, most = show_bolus(d.bolus)
    out.append("drug %s" % show_drugs(d.drugs))
    if d.next_drugs is not None:
        out.append("drug-at-next-refill %s" % show_drugs(d.next_drugs))
    out.append("basal %s" % show_schedule(d.schedule))
    out.append("ptm dose_ng=%s lockout_ms=%s max=%s" % (dose, lockout, most))
    out.append("bolus-schedule %s" % show_sched(d.sched))
    low = d.low_nl_in_use()
    out.append("reservoir-alarm %s%s" % (show_int(low), " default" if d.low_nl is None
                                         and low is not None else ""))
    out.append("capacity %s" % show_int(d.capacity_nl))
    missing = dev.missing()
    tail = "programmed=%d missing=%s" % (0 if rx is None else 1,
                                         ",".join(missing) if missing else "-")
    staged = dev.staged
    if staged is None or rx is None:
        return tail + " staged=- commit=-"
    changed = parts(d, staged)
    for word, x, y in changed:
        out.append("staged %s old=%s new=%s" % (word, x, y))
    from pump import review as rv  # dropped after the reply
    new_rx = staged.build()
    old = rv.doses(rx)
    for name, basal, most in rv.doses(new_rx):
        was = rv.dose_of(old, name) or (name, 0, 0)
        out.append("dose %s old_basal_ng_d=%d new_basal_ng_d=%d basal_pct=%s "
                   "old_most_ng_d=%d new_most_ng_d=%d most_pct=%s" % (
                       name, was[1], basal, rv.show_pct(rv.pct(was[1], basal)), was[2], most,
                       rv.show_pct(rv.pct(was[2], most))))
    found = rv.soft_finding(rx, new_rx)
    if found is not None:
        from console.messages import text
        out.append("soft %s" % text(E_SOFT_LIMIT, found))
    return tail + " staged=%s commit=%s" % (",".join(p[0] for p in changed),
                                           "plain" if found is None else OVERRIDE)


def do_commit(dev, out, args, now):
    override = False
    if args:
        if args[0].lower() != OVERRIDE:
            raise PumpError(E_USAGE, "commit")
        override = True
    pump = dev.pump
    staged = dev.staged
    if staged is None or pump.rx is None:
        dev.staged = None
        raise PumpError(E_NOTHING_STAGED, "commit")
    from pump.review import soft_finding  # dropped after the reply
    rx = staged.build()
    found = soft_finding(pump.rx, rx)
    if found is not None and not override:
        raise PumpError(E_SOFT_LIMIT, *found)
    changed = parts(dev.draft, staged)
    # The pump's own checks, as for a change in force at once; a refusal raises here,
    # before anything of ours changes, so the staged change stays for another look.
    pump.program(rx, now)
    dev.draft = staged
    dev.staged = None
    dev.safety.follow(pump, now)
    passed = "-" if found is None else "%s,%s" % (found[0], ("max", "step", "step")[found[1]])
    dev.record("commit %s override=%s" % (
        " ".join("%s old=%s new=%s" % p for p in changed), passed))
    return "committed=%s override=%s" % (",".join(p[0] for p in changed), passed)


def do_discard(dev, out, args, now):
    staged = dev.staged
    if staged is None:
        raise PumpError(E_NOTHING_STAGED, "discard")
    changed = ",".join(p[0] for p in parts(dev.draft, staged))
    dev.staged = None
    dev.record("discard staged=%s" % changed)
    return "discarded=%s" % changed
