#!/usr/bin/env python3
"""Runs queries of `cxreport sql` on a real engine, for tests/testsuite/sql.rs.

    run.py ENGINE [--types JSON] [--table NAME] LOG.csv QUERY.sql [LOG.csv QUERY.sql ...]

ENGINE is `duckdb` or `spark` (Spark SQL in local mode), from the packages
pinned in requirements.txt. Each LOG.csv is loaded as a typed table named
NAME (default `contacts`), its columns named as its header, typed by --types
(a JSON object: header -> "date", "instant", "seconds" or "text"; any other
column is text), and then its QUERY.sql is run on it. The result is CSV
with a header: on stdout for one pair, else written beside each query as
QUERY.csv. All pairs share one engine (for Spark, one JVM and session:
starting it is most of the time).
"""

import csv
import json
import sys


def main(argv):
    engine, types, table, pairs = parse(argv)
    runner = {"duckdb": DuckDB, "spark": Spark}[engine](types, table)
    try:
        for log, query in pairs:
            header, rows = runner.run(log, open(query, encoding="utf-8").read())
            if len(pairs) == 1:
                write(sys.stdout, header, rows)
            else:
                out = query[:-4] if query.endswith(".sql") else query
                with open(out + ".csv", "w", newline="", encoding="utf-8") as f:
                    write(f, header, rows)
    finally:
        runner.close()


def parse(argv):
    args = list(argv)
    if not args or args[0] not in ("duckdb", "spark"):
        sys.exit("usage: run.py duckdb|spark [--types JSON] [--table NAME] LOG.csv QUERY.sql ...")
    engine = args.pop(0)
    types, table = {}, "contacts"
    while args and args[0].startswith("--"):
        flag = args.pop(0)
        if flag == "--types":
            types = json.loads(args.pop(0))
        elif flag == "--table":
            table = args.pop(0)
        else:
            sys.exit(f"unknown option {flag}")
    if not args or len(args) % 2:
        sys.exit("give LOG.csv QUERY.sql pairs")
    return engine, types, table, list(zip(args[0::2], args[1::2]))


def header_of(log):
    with open(log, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def write(f, header, rows):
    out = csv.writer(f, lineterminator="\n")
    out.writerow(header)
    for row in rows:
        out.writerow(["" if v is None else text(v) for v in row])


def text(v):
    # repr gives a double's shortest exact digits; dates print as ISO.
    return repr(v) if isinstance(v, float) else str(v)


class DuckDB:
    TYPES = {"date": "DATE", "instant": "TIMESTAMPTZ", "seconds": "DOUBLE", "text": "VARCHAR"}

    def __init__(self, types, table):
        import duckdb

        self.con = duckdb.connect()
        # Not UTC, so that a query depending on the session's zone fails.
        self.con.execute("SET TimeZone = 'America/New_York'")
        self.types, self.table = types, table

    def run(self, log, query):
        columns = {h: self.TYPES[self.types.get(h, "text")] for h in header_of(log)}
        name = '"' + self.table.replace('"', '""') + '"'
        self.con.execute(f"DROP TABLE IF EXISTS {name}")
        self.con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header = true, columns = ?, "
            "quote = '\"', escape = '\"', all_varchar = false)",
            [log, columns],
        )
        result = self.con.execute(query)
        header = [d[0] for d in result.description]
        return header, result.fetchall()

    def close(self):
        self.con.close()


class Spark:
    def __init__(self, types, table):
        from pyspark.sql import SparkSession

        self.spark = (
            SparkSession.builder.master("local[2]")
            .appName("cxreport-sql-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            # Not UTC, so that a query depending on the session's zone fails.
            .config("spark.sql.session.timeZone", "America/New_York")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self.types, self.table = types, table

    def run(self, log, query):
        from pyspark.sql import types as T

        kinds = {
            "date": T.DateType(),
            "instant": T.TimestampType(),
            "seconds": T.DoubleType(),
            "text": T.StringType(),
        }
        schema = T.StructType(
            [T.StructField(h, kinds[self.types.get(h, "text")], True) for h in header_of(log)]
        )
        frame = self.spark.read.csv(
            log, header=True, schema=schema, escape='"', mode="FAILFAST",
            timestampFormat="yyyy-MM-dd'T'HH:mm:ss[.SSS]XXX",
        )
        frame.createOrReplaceTempView(self.table)
        result = self.spark.sql(query.strip().rstrip(";"))
        return result.columns, [tuple(r) for r in result.collect()]

    def close(self):
        self.spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
