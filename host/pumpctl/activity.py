"""Patient activity by day, read from a pump (`activity [days] [skip]`, docs/protocol.md)
for `pumpctl log --days`: the year's days paged a month at a time (a reply holds at most
31: the Pico's heap), oldest first, and as CSV with one row per day and one column per
drug's dose.

A midnight that passes while the pages are read shifts the ring by a day: a row may then
come twice or be missed at a page's edge. Read it again if the last row is dated just
after midnight."""
import csv

PAGE = 31  # days a reply holds (firmware/console/cmd_activity.py _SHOWN)
KEPT = 400  # days the pump keeps (firmware/app/activity.py _DAYS)
# The columns every day line has, in its order; then one `<drug>_ng` per drug, `open`.
COLUMNS = ("date", "presses", "granted", "refused", "lockout", "daily_max", "dose_limit",
           "bolus_running", "not_running", "alarm", "reservoir", "other",
           "clinician_boluses", "clinician_ng")


class ActivityError(Exception):
    """The pump refused `activity` (its final line is the message)."""


def parse(line):
    """`day date=... dose_ng=a:1,b:2 open=0` -> {"date": ..., "doses": {"a": 1, ...}}."""
    row = dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)
    doses = {}
    for part in row.pop("dose_ng", "-").split(","):
        if ":" in part:
            name, ng = part.split(":", 1)
            doses[name] = int(ng)
    row["doses"] = doses
    return row


def fetch(client, most=KEPT, timeout=10.0):
    """The newest `most` closed days and the open one, oldest first, as (line, row)."""
    pages = []
    today = []
    skip = 0
    while skip < most:
        n = min(PAGE, most - skip)
        reply = client.command("activity %d %d" % (n, skip), timeout=timeout)
        if not reply.ok:
            raise ActivityError(reply.final)
        rows = [(line, parse(line)) for line in reply.lines if line.startswith("day ")]
        if skip == 0 and reply.fields.get("open") == "1" and rows:
            today = [rows.pop()]
        pages.append(rows)
        skip += n
        if reply.fields.get("older", "0") == "0":
            break
    out = []
    for rows in reversed(pages):
        out += rows
    return out + today


def write_csv(rows, stream):
    """A header, then one row per day: COLUMNS, each drug's ng (0 where a day has none),
    drugs_cut where a record had no room for every drug, open."""
    drugs = sorted({name for row in rows for name in row["doses"]})
    cut = any("drugs_cut" in row for row in rows)
    fields = list(COLUMNS) + [d + "_ng" for d in drugs] + (["drugs_cut"] if cut else [])
    fields.append("open")
    w = csv.writer(stream, lineterminator="\n")
    w.writerow(fields)
    for row in rows:
        w.writerow([row.get(c, "") for c in COLUMNS] +
                   [row["doses"].get(d, 0) for d in drugs] +
                   ([row.get("drugs_cut", "0")] if cut else []) + [row.get("open", "0")])
