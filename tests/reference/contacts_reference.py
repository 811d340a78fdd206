"""Reference values for `cxreport import` of a contact log (kind = "contacts"),
computed here independently of cxreport, with Python's standard library only.

Run from the repository root:  python3 tests/reference/contacts_reference.py
It reads tests/fixtures/contacts/log.csv (made by
`cargo run --example gen_contacts -- 3000 35 17 tests/fixtures/contacts/log.csv`)
and writes tests/reference/contacts.json, which tests/testsuite/import.rs checks
cxreport against. CI does not run Python; rerun this when the log or the
definitions change, and commit the JSON with it.

The definitions (docs/import.md), with the recipe of tests/fixtures/contacts:
- a contact counts on its day in Europe/Madrid;
- outcomes: answered = "answered"; abandoned = "abandoned", "hung up";
  ignored = "test call" (compared ignoring case);
- abandons with a wait of up to 3 s are left out of everything;
- offered = answered + abandoned;
- service_level = 100 * answered with wait <= 20 s / offered;
- asa = mean wait of answered, in s; aht = mean handle time of answered, in min;
- abandon_rate = 100 * abandoned / offered.
The daily figures are per day and queue; the weekly and monthly ones pool
every contact of the period, all queues together, counted directly.
"""
import csv
import datetime
import json
import pathlib
import zoneinfo

ZONE = zoneinfo.ZoneInfo("Europe/Madrid")
SL_SECONDS = 20
SHORT_ABANDON = 3
ANSWERED = {"answered"}
ABANDONED = {"abandoned", "hung up"}
IGNORED = {"test call"}


def seconds(hms):
    h, m, s = hms.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


def figures(contacts):
    answered = [c for c in contacts if c["outcome"] == "answered"]
    abandoned = [c for c in contacts if c["outcome"] == "abandoned"]
    offered = len(answered) + len(abandoned)
    out = {"offered": offered, "answered": len(answered)}
    if offered:
        within = sum(1 for c in answered if c["wait"] <= SL_SECONDS)
        out["service_level"] = 100.0 * within / offered
        out["abandon_rate"] = 100.0 * len(abandoned) / offered
    if answered:
        out["asa"] = sum(c["wait"] for c in answered) / len(answered)
        out["aht"] = sum(c["handle"] for c in answered) / len(answered) / 60.0
    return out


def main():
    root = pathlib.Path(__file__).resolve().parents[2]
    contacts = []
    with open(root / "tests/fixtures/contacts/log.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            result = row["result"].strip().lower()
            if result in IGNORED:
                continue
            outcome = "answered" if result in ANSWERED else "abandoned" if result in ABANDONED else None
            if outcome is None:
                raise SystemExit(f"unknown outcome {row['result']!r}")
            wait = int(row["wait_s"])
            if outcome == "abandoned" and wait <= SHORT_ABANDON:
                continue
            started = datetime.datetime.fromisoformat(row["started_at"].replace("Z", "+00:00"))
            day = started.astimezone(ZONE).date()
            contacts.append(
                {
                    "day": day,
                    "queue": row["queue"],
                    "outcome": outcome,
                    "wait": wait,
                    "handle": seconds(row["handle"]),
                }
            )
    daily = {}
    for c in contacts:
        daily.setdefault((c["day"].isoformat(), c["queue"]), []).append(c)
    weeks, months = {}, {}
    for c in contacts:
        y, w, _ = c["day"].isocalendar()
        weeks.setdefault(f"{y}-W{w:02d}", []).append(c)
        months.setdefault(c["day"].strftime("%Y-%m"), []).append(c)
    doc = {
        "daily": [
            {"date": d, "queue": q, **figures(cs)} for (d, q), cs in sorted(daily.items())
        ],
        "weeks": [{"period": p, **figures(cs)} for p, cs in sorted(weeks.items())],
        "months": [{"period": p, **figures(cs)} for p, cs in sorted(months.items())],
    }
    out = root / "tests/reference/contacts.json"
    out.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(doc['daily'])} daily rows from {len(contacts)} contacts")


if __name__ == "__main__":
    main()
