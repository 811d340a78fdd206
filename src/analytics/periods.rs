//! Calendar periods (day, ISO week, month, quarter) as consecutive integers,
//! so that "every period from the first observation to the last" is a range
//! and "the previous period" is `index - 1`.

use jiff::civil::Date;

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Length {
    Day,
    Week,
    Month,
    Quarter,
}

impl From<crate::config::TrendPeriod> for Length {
    fn from(t: crate::config::TrendPeriod) -> Length {
        match t {
            crate::config::TrendPeriod::Day => Length::Day,
            crate::config::TrendPeriod::Week => Length::Week,
            crate::config::TrendPeriod::Month => Length::Month,
        }
    }
}

impl Length {
    /// `week`, as in "three weeks".
    pub fn noun(self) -> &'static str {
        match self {
            Length::Day => "day",
            Length::Week => "week",
            Length::Month => "month",
            Length::Quarter => "quarter",
        }
    }
}

/// One period: its length and its number since an arbitrary origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub length: Length,
    pub index: i64,
}

impl Period {
    /// The period of this length that contains `date`.
    pub fn of(length: Length, date: Date) -> Period {
        let (y, m) = (i64::from(date.year()), i64::from(date.month()));
        let index = match length {
            Length::Day => days(date),
            // 1970-01-01 was a Thursday; ISO weeks start on Monday.
            Length::Week => (days(date) + 3).div_euclid(7),
            Length::Month => y * 12 + m - 1,
            Length::Quarter => y * 4 + (m - 1) / 3,
        };
        Period { length, index }
    }

    pub fn prev(self) -> Period {
        Period {
            index: self.index - 1,
            ..self
        }
    }

    pub fn next(self) -> Period {
        Period {
            index: self.index + 1,
            ..self
        }
    }

    /// The first day of the period.
    pub fn start(self) -> Date {
        match self.length {
            Length::Day => from_days(self.index),
            Length::Week => from_days(self.index * 7 - 3),
            Length::Month => ymd(self.index.div_euclid(12), self.index.rem_euclid(12) + 1),
            Length::Quarter => ymd(self.index.div_euclid(4), self.index.rem_euclid(4) * 3 + 1),
        }
    }

    /// The last day of the period.
    pub fn end(self) -> Date {
        from_days(days(self.next().start()) - 1)
    }

    /// `2026-03-02`, `2026-W09`, `2026-03`, `2026-Q1`.
    pub fn label(self) -> String {
        let start = self.start();
        match self.length {
            Length::Day => start.to_string(),
            Length::Week => {
                let week = start.iso_week_date();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Length::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Length::Quarter => format!("{:04}-Q{}", start.year(), (start.month() - 1) / 3 + 1),
        }
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
pub fn days(date: Date) -> i64 {
    let (y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `n` days after 1970-01-01.
pub fn from_days(n: i64) -> Date {
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(y as i16, m as i8, d as i8).unwrap_or(Date::MAX)
}

fn ymd(year: i64, month: i64) -> Date {
    Date::new(year as i16, month as i8, 1).unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(days(date(1970, 1, 1)), 0);
        assert_eq!(days(date(2026, 3, 1)) - days(date(2026, 2, 28)), 1);
        for n in [-1000, 0, 20_000, 20_513] {
            assert_eq!(days(from_days(n)), n);
        }
    }

    #[test]
    fn labels_and_bounds() {
        let d = date(2026, 3, 4);
        assert_eq!(Period::of(Length::Day, d).label(), "2026-03-04");
        assert_eq!(Period::of(Length::Week, d).label(), "2026-W10");
        assert_eq!(Period::of(Length::Week, d).start(), date(2026, 3, 2));
        assert_eq!(Period::of(Length::Week, d).end(), date(2026, 3, 8));
        assert_eq!(Period::of(Length::Month, d).label(), "2026-03");
        assert_eq!(Period::of(Length::Month, d).end(), date(2026, 3, 31));
        assert_eq!(Period::of(Length::Quarter, d).label(), "2026-Q1");
        // ISO week-numbering years differ from calendar years at the edges.
        assert_eq!(
            Period::of(Length::Week, date(2027, 1, 1)).label(),
            "2026-W53"
        );
        assert_eq!(
            Period::of(Length::Week, date(2024, 12, 30)).label(),
            "2025-W01"
        );
    }

    #[test]
    fn neighbours() {
        let p = Period::of(Length::Month, date(2026, 1, 15));
        assert_eq!(p.prev().label(), "2025-12");
        assert_eq!(p.next().next().label(), "2026-03");
    }
}
