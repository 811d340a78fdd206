#!/usr/bin/env python3
"""Writes tests/fixtures/contacts-sql/log.csv: a seeded contact log whose
headers and outcomes hold quotes, backticks, a backslash, accents and mixed
case, with empty dimension values, waits on the thresholds (15.5 s, 2 s),
decimal seconds and instants around New York's midnights and its
daylight-saving change (2026-11-01). Python's standard library only."""

import csv
import datetime
import random
import sys

rng = random.Random(20)
out = csv.writer(open(sys.argv[1] if len(sys.argv) > 1 else "log.csv", "w", newline="", encoding="utf-8"), lineterminator="\n")
out.writerow(["Id", "Día", "Inicio", "it's \"queue\"", "canal`x\\y", "Cliente", "Espera (s)", "Duración", "Resultado; O'Brien"])
outcomes = [
    ("Contestada", 30), ("CONTESTADA", 5), ("contestáda", 3), ("Contesta\u0301da", 2), (" Contestada ", 2),
    ("Abandonó", 6), ("ABANDONO", 2), ("Colgó 'PRONTO'", 3), ("colgo 'pronto'", 1),
    ("prueba \"qa\"", 2),
]
values = [v for v, n in outcomes for _ in range(n)]
start = datetime.datetime(2026, 10, 28, 2, 0, tzinfo=datetime.timezone.utc)
for i in range(700):
    day = datetime.date(2026, 10, 28) + datetime.timedelta(days=rng.randrange(10))
    instant = start + datetime.timedelta(minutes=rng.randrange(10 * 24 * 60))
    if rng.random() < 0.3:
        # Near midnight in New York (04:00 or 05:00 UTC).
        instant = instant.replace(hour=rng.choice([3, 4, 5]), minute=rng.choice([0, 59]))
    queue = rng.choice(["ventas", "soporte", "O'Neil \"VIP\"", ""])
    channel = rng.choice(["voz", "chat", ""])
    outcome = rng.choice(values)
    wait = rng.choice([round(rng.uniform(0, 60), 1), 15.5, 2, 2.5, 0, rng.randrange(120)])
    handle = round(rng.uniform(30, 900), 2)
    if not outcome.strip().lower().startswith("cont"):
        handle = ""
    out.writerow([f"X{i:04}", day.isoformat(), instant.strftime("%Y-%m-%dT%H:%M:%SZ"), queue, channel, f"Cliente {i}", wait, handle, outcome])
