//! What the SQL engines `cxreport sql` writes for differ in: how an
//! identifier is quoted, how a string is escaped, the name of a double and
//! of a text, and how an instant becomes the day of a time zone. Everything
//! else in the query is the SQL all of them read alike.
//!
//! Layer 6, a part of the `sql` command: pure text, no I/O.

/// An SQL engine's dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// Spark SQL (and Databricks).
    Spark,
    /// Trino (and Athena's engine 3, which is Trino).
    Trino,
    /// Google BigQuery (GoogleSQL).
    Bigquery,
    /// DuckDB.
    Duckdb,
    /// Snowflake.
    Snowflake,
}

impl Dialect {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
            Dialect::Trino => "trino",
            Dialect::Bigquery => "bigquery",
            Dialect::Duckdb => "duckdb",
            Dialect::Snowflake => "snowflake",
        }
    }

    /// A backslash in a string starts an escape, so strings escape their
    /// quote and backslashes with one.
    fn backslashes(self) -> bool {
        matches!(
            self,
            Dialect::Spark | Dialect::Bigquery | Dialect::Snowflake
        )
    }

    /// A quoted identifier: any text is the name as written, never SQL.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            Dialect::Bigquery => format!("`{}`", escape_backslashed(name, '`')),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal holding `text` exactly.
    pub fn literal(self, text: &str) -> String {
        if self.backslashes() {
            format!("'{}'", escape_backslashed(text, '\''))
        } else {
            format!("'{}'", text.replace('\'', "''"))
        }
    }

    /// The type of a 64-bit floating-point number.
    pub fn double(self) -> &'static str {
        match self {
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::Bigquery => "FLOAT64",
            _ => "DOUBLE",
        }
    }

    /// The type of text.
    pub fn text(self) -> &'static str {
        match self {
            Dialect::Postgres => "TEXT",
            Dialect::Spark | Dialect::Bigquery => "STRING",
            Dialect::Trino | Dialect::Duckdb | Dialect::Snowflake => "VARCHAR",
        }
    }

    /// The date an instant (`column`, already quoted) falls on in the time
    /// zone `zone` (an IANA name).
    pub fn local_date(self, column: &str, zone: &str) -> String {
        let zone = self.literal(zone);
        match self {
            Dialect::Postgres | Dialect::Trino => {
                format!("CAST({column} AT TIME ZONE {zone} AS DATE)")
            }
            // A Spark timestamp is an instant shown in the session's zone:
            // from_utc_timestamp gives the zone's wall clock as if it were
            // UTC's, and to_utc_timestamp moves that into the session's
            // zone, so that the cast reads the wall clock whatever the
            // session's zone is.
            Dialect::Spark => format!(
                "CAST(to_utc_timestamp(from_utc_timestamp({column}, {zone}), current_timezone()) AS DATE)"
            ),
            Dialect::Bigquery => format!("DATE({column}, {zone})"),
            Dialect::Duckdb => format!("CAST(timezone({zone}, {column}) AS DATE)"),
            Dialect::Snowflake => {
                format!("CAST(CONVERT_TIMEZONE({zone}, {column}) AS DATE)")
            }
        }
    }
}

/// `text` with `\` and `quote` escaped by a backslash, and the control
/// characters a quoted string cannot hold raw as escapes.
fn escape_backslashed(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_cannot_end_a_name_or_a_string() {
        let hostile = "a\"b`c'd\\e";
        assert_eq!(Dialect::Postgres.ident(hostile), "\"a\"\"b`c'd\\e\"");
        assert_eq!(Dialect::Spark.ident(hostile), "`a\"b``c'd\\e`");
        assert_eq!(Dialect::Bigquery.ident(hostile), "`a\"b\\`c'd\\\\e`");
        assert_eq!(Dialect::Postgres.literal(hostile), "'a\"b`c''d\\e'");
        assert_eq!(Dialect::Trino.literal(hostile), "'a\"b`c''d\\e'");
        assert_eq!(Dialect::Spark.literal(hostile), "'a\"b`c\\'d\\\\e'");
        assert_eq!(Dialect::Snowflake.literal(hostile), "'a\"b`c\\'d\\\\e'");
        assert_eq!(Dialect::Bigquery.literal("x\ny"), "'x\\ny'");
    }
}
