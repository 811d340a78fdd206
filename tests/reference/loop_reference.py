#!/usr/bin/env python3
"""Reference figures of the follow-up cases (issue 18) for the `cases/`
fixture, computed apart from cxreport with Python's standard library only,
from the issue's definitions:

- detractors: survey answers with an id and an NPS score <= detractor_max,
  dated on or before as_of;
- a case counts when opened on or before as_of; it is closed when its
  `closed` day is on or before as_of, else open;
- coverage: % of detractors whose id some counted case names;
- closed_within_target: % of closed cases with (closed - opened) <= N days;
- median and p90 of (closed - opened) in days, linear interpolation as
  numpy's default (written out below);
- overdue: open cases whose opening day is more than N days before as_of.

Run from the repository root: python3 tests/reference/loop_reference.py
It writes tests/reference/loop.json.
"""

import csv
import datetime as dt
import glob
import json
import os
import tomllib

PLAN = "tests/fixtures/cases"


def moment(text):
    if len(text) == 10:
        return dt.datetime.fromisoformat(text + "T00:00:00")
    return dt.datetime.fromisoformat(text.replace(" ", "T"))


def quantile(values, q):
    if not values:
        return None
    v = sorted(values)
    h = (len(v) - 1) * q
    lo = int(h // 1)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (h - lo) * (v[hi] - v[lo])


def percent(part, whole):
    return None if whole == 0 else part / whole * 100


def figures(detractors, cases, followed, n, as_of, with_detractors=True):
    closed = [c for c in cases if c["closed"] and c["closed"].date() <= as_of]
    days = [(c["closed"] - c["opened"]).total_seconds() / 86400 for c in closed]
    opened_days = lambda c: (as_of - c["opened"].date()).days
    overdue = [c for c in cases if c not in closed and opened_days(c) > n]
    causes = {}
    for c in cases:
        if c["root_cause"]:
            causes[c["root_cause"]] = causes.get(c["root_cause"], 0) + 1
    out = {
        "detractors": len(detractors) if with_detractors else None,
        "cases": len(cases),
        "coverage": percent(sum(1 for d in detractors if d[1] in followed), len(detractors))
        if with_detractors
        else None,
        "closed": len(closed),
        "closed_within_target": percent(sum(1 for d in days if d <= n), len(days)),
        "median_days_to_close": quantile(days, 0.5),
        "p90_days_to_close": quantile(days, 0.9),
        "overdue": len(overdue),
        "root_causes": [
            {"root_cause": k, "cases": v}
            for k, v in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }
    return out


def main():
    with open(os.path.join(PLAN, "cxreport.toml"), "rb") as f:
        config = tomllib.load(f)
    as_of = config["as_of"]
    n = config.get("loop", {}).get("close_within_days", 2)
    dmax = config.get("loop", {}).get("detractor_max", 6)
    detractors = []
    for path in sorted(glob.glob(os.path.join(PLAN, "data/surveys/*.csv"))):
        for row in csv.DictReader(open(path, newline="", encoding="utf-8")):
            date = dt.date.fromisoformat(row["date"][:10])
            if row.get("id") and row["nps"] != "" and int(row["nps"]) <= dmax and date <= as_of:
                detractors.append((date, row["id"]))
    cases = []
    for path in sorted(glob.glob(os.path.join(PLAN, "data/cases/*.csv"))):
        for row in csv.DictReader(open(path, newline="", encoding="utf-8")):
            case = {
                "id": row["id"],
                "opened": moment(row["opened"]),
                "closed": moment(row["closed"]) if row["closed"] else None,
                "owner": row["owner"],
                "response_id": row.get("response_id") or None,
                "root_cause": row.get("root_cause") or None,
            }
            if case["opened"].date() <= as_of:
                cases.append(case)
    followed = {c["response_id"] for c in cases if c["response_id"]}
    result = figures(detractors, cases, followed, n, as_of)
    # Months, as the fixture's trend period is a month.
    month = lambda d: f"{d.year:04}-{d.month:02}"
    labels = sorted({month(d) for d, _ in detractors} | {month(c["opened"].date()) for c in cases})
    result["periods"] = [
        dict(period=p, **figures(
            [d for d in detractors if month(d[0]) == p],
            [c for c in cases if month(c["opened"].date()) == p],
            followed, n, as_of))
        for p in labels
    ]
    result["owners"] = [
        dict(owner=o, **figures([], [c for c in cases if c["owner"] == o], followed, n, as_of, False))
        for o in sorted({c["owner"] for c in cases})
    ]
    overdue = [c for c in cases if not (c["closed"] and c["closed"].date() <= as_of)
               and (as_of - c["opened"].date()).days > n]
    result["overdue_cases"] = [
        {"id": c["id"], "owner": c["owner"], "days_open": (as_of - c["opened"].date()).days}
        for c in sorted(overdue, key=lambda c: (-(as_of - c["opened"].date()).days, c["id"]))
    ]
    with open("tests/reference/loop.json", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
