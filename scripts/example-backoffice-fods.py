"""Writes backoffice.fods (see exports/README.md): a Spanish back-office report
with typed date, duration and percentage cells, for LibreOffice Calc to save as
the example's .xlsx export:

    python3 scripts/example-backoffice-fods.py
    soffice --headless --convert-to xlsx backoffice.fods
"""
import datetime
import random

rnd = random.Random(20261031)
rows = []
d = datetime.date(2026, 9, 1)
while d <= datetime.date(2026, 10, 31):
    if d.weekday() < 5:
        for team, base_cases, base_hours in (("Devoluciones", 118, 6.4), ("Facturación", 64, 9.1)):
            cases = max(10, round(rnd.gauss(base_cases, base_cases * 0.12)))
            hours = base_hours * (0.82 if d >= datetime.date(2026, 9, 8) else 1.0) * rnd.uniform(0.9, 1.1)
            on_time = min(0.995, max(0.5, rnd.gauss(0.86 if d >= datetime.date(2026, 9, 8) else 0.81, 0.03)))
            sup = rnd.choice(["Lucía Fernández", "Marta Gil", "Jorge Ruiz"])
            rows.append((d, team, cases, hours, round(on_time, 3), sup))
    d += datetime.timedelta(days=1)

def dur(h):
    s = round(h * 3600)
    return f"PT{s // 3600}H{s % 3600 // 60}M{s % 60}S"

cells = []
head = ["Fecha", "Equipo", "Casos cerrados", "Tiempo medio de resolución", "Cerrados en plazo", "Supervisor/a"]
cells.append("<table:table-row>" + "".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>' for h in head) + "</table:table-row>")
for (d, team, cases, hours, on_time, sup) in rows:
    cells.append("<table:table-row>"
        f'<table:table-cell table:style-name="fecha" office:value-type="date" office:date-value="{d.isoformat()}"><text:p>{d.strftime("%d/%m/%Y")}</text:p></table:table-cell>'
        f'<table:table-cell office:value-type="string"><text:p>{team}</text:p></table:table-cell>'
        f'<table:table-cell office:value-type="float" office:value="{cases}"><text:p>{cases}</text:p></table:table-cell>'
        f'<table:table-cell table:style-name="duracion" office:value-type="time" office:time-value="{dur(hours)}"><text:p>{dur(hours)}</text:p></table:table-cell>'
        f'<table:table-cell table:style-name="pct" office:value-type="percentage" office:value="{on_time}"><text:p>{on_time*100:.1f} %</text:p></table:table-cell>'
        f'<table:table-cell office:value-type="string"><text:p>{sup}</text:p></table:table-cell>'
        "</table:table-row>")

doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
<number:date-style style:name="N_fecha"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
<number:time-style style:name="N_dur" number:truncate-on-overflow="false"><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/></number:time-style>
<number:percentage-style style:name="N_pct"><number:number number:decimal-places="1" number:min-integer-digits="1"/><number:text> %</number:text></number:percentage-style>
<style:style style:name="fecha" style:family="table-cell" style:data-style-name="N_fecha"/>
<style:style style:name="duracion" style:family="table-cell" style:data-style-name="N_dur"/>
<style:style style:name="pct" style:family="table-cell" style:data-style-name="N_pct"/>
</office:automatic-styles>
<office:body><office:spreadsheet><table:table table:name="Datos">
{"".join(cells)}
</table:table></office:spreadsheet></office:body></office:document>
'''
open("backoffice.fods", "w", encoding="utf-8").write(doc)
print(len(rows), "rows")
