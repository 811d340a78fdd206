//! Statuses people read at a glance: audit findings against their targets,
//! key results against the time elapsed, initiatives by impact and effort.

use jiff::civil::Date;

use super::periods::days;
use crate::data::Direction;
use crate::data::initiatives::Level;

/// Where an audit finding stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GapStatus {
    /// At or beyond the target, in the better direction.
    Met,
    /// Short of it by at most 10 % of the target.
    Close,
    Off,
}

impl GapStatus {
    /// The status as the site and the JSON API name it: `met`.
    pub fn as_str(self) -> &'static str {
        match self {
            GapStatus::Met => "met",
            GapStatus::Close => "close",
            GapStatus::Off => "off",
        }
    }
}

/// The shortfall from target in the better direction (positive: still to go;
/// zero or negative: met) and its status.
pub fn gap(target: f64, current: f64, direction: Direction) -> (f64, GapStatus) {
    let shortfall = (target - current) * direction.sign();
    let status = if shortfall <= 0.0 {
        GapStatus::Met
    } else if shortfall <= 0.1 * target.abs() {
        GapStatus::Close
    } else {
        GapStatus::Off
    };
    (shortfall, status)
}

/// A key result's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KrStatus {
    Done,
    OnTrack,
    AtRisk,
    OffTrack,
    Overdue,
    /// A key result that follows a metric with no data yet.
    NoData,
}

impl KrStatus {
    pub const ALL: [KrStatus; 6] = [
        KrStatus::Done,
        KrStatus::OnTrack,
        KrStatus::AtRisk,
        KrStatus::OffTrack,
        KrStatus::Overdue,
        KrStatus::NoData,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KrStatus::Done => "done",
            KrStatus::OnTrack => "on-track",
            KrStatus::AtRisk => "at-risk",
            KrStatus::OffTrack => "off-track",
            KrStatus::Overdue => "overdue",
            KrStatus::NoData => "no-data",
        }
    }

    /// The status in words: `off track`.
    pub fn label(self) -> String {
        self.as_str().replace('-', " ")
    }
}

/// (current − baseline) / (target − baseline), clamped to 0..1.
pub fn progress(baseline: f64, target: f64, current: f64) -> f64 {
    if target == baseline {
        return if current == target { 1.0 } else { 0.0 };
    }
    ((current - baseline) / (target - baseline)).clamp(0.0, 1.0)
}

/// The share of the time from `start` to `deadline` elapsed at `as_of`, 0..1.
pub fn expected(start: Date, deadline: Date, as_of: Date) -> f64 {
    let total = days(deadline) - days(start);
    let elapsed = days(as_of) - days(start);
    if total <= 0 {
        return if as_of >= deadline { 1.0 } else { 0.0 };
    }
    (elapsed as f64 / total as f64).clamp(0.0, 1.0)
}

/// A key result's status from its progress against the share of its time
/// elapsed; `done` is decided by the caller (the target reliably met).
pub fn kr_status(
    progress: Option<f64>,
    done: bool,
    expected: f64,
    deadline: Date,
    as_of: Date,
) -> KrStatus {
    let Some(progress) = progress else {
        return KrStatus::NoData;
    };
    if done {
        KrStatus::Done
    } else if as_of > deadline {
        KrStatus::Overdue
    } else if progress >= expected - 0.10 {
        KrStatus::OnTrack
    } else if progress >= expected - 0.25 {
        KrStatus::AtRisk
    } else {
        KrStatus::OffTrack
    }
}

/// The impact × effort quadrant of an initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quadrant {
    QuickWin,
    MajorProject,
    FillIn,
    Thankless,
}

pub fn quadrant(impact: Level, effort: Level) -> Quadrant {
    match (impact, effort) {
        (Level::Low, Level::Low) => Quadrant::FillIn,
        (Level::Low, _) => Quadrant::Thankless,
        (_, Level::Low) => Quadrant::QuickWin,
        _ => Quadrant::MajorProject,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn gaps_read_the_direction() {
        assert_eq!(gap(90.0, 62.0, Direction::Higher), (28.0, GapStatus::Off));
        assert_eq!(gap(90.0, 85.0, Direction::Higher).1, GapStatus::Close);
        assert_eq!(gap(3.0, 2.8, Direction::Lower).1, GapStatus::Met);
        assert_eq!(gap(3.0, 3.3, Direction::Lower).1, GapStatus::Close);
        assert_eq!(gap(3.0, 6.0, Direction::Lower), (3.0, GapStatus::Off));
    }

    #[test]
    fn progress_is_clamped_and_works_downwards() {
        assert_eq!(progress(6.0, 4.0, 5.0), 0.5);
        assert_eq!(progress(55.0, 90.0, 40.0), 0.0);
        assert_eq!(progress(55.0, 90.0, 99.0), 1.0);
    }

    #[test]
    fn statuses() {
        let (start, deadline) = (date(2026, 7, 1), date(2026, 12, 31));
        let as_of = date(2026, 10, 1);
        let e = expected(start, deadline, as_of);
        assert!((e - 92.0 / 183.0).abs() < 1e-12);
        let status = |p, done| kr_status(p, done, e, deadline, as_of);
        assert_eq!(status(Some(0.45), false), KrStatus::OnTrack);
        assert_eq!(status(Some(0.30), false), KrStatus::AtRisk);
        assert_eq!(status(Some(0.10), false), KrStatus::OffTrack);
        assert_eq!(status(Some(1.0), true), KrStatus::Done);
        // Touched once is not done: ahead of the path.
        assert_eq!(status(Some(1.0), false), KrStatus::OnTrack);
        assert_eq!(
            kr_status(Some(0.9), false, 1.0, date(2026, 9, 30), as_of),
            KrStatus::Overdue
        );
        assert_eq!(status(None, false), KrStatus::NoData);
    }

    #[test]
    fn quadrants() {
        assert_eq!(quadrant(Level::High, Level::Low), Quadrant::QuickWin);
        assert_eq!(quadrant(Level::Medium, Level::High), Quadrant::MajorProject);
        assert_eq!(quadrant(Level::Low, Level::Low), Quadrant::FillIn);
        assert_eq!(quadrant(Level::Low, Level::Medium), Quadrant::Thankless);
    }
}
