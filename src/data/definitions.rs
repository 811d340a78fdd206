//! The contact-centre definitions, written once: which contacts are left
//! out, which day's counts each contact adds to, and each figure as a ratio
//! of those counts with its weight. `data::contacts` tallies a log file by
//! them, and `cxreport sql` (`sql`) renders them as a query, so the Rust
//! aggregation and the SQL cannot drift apart: a new count, figure or rule
//! is a new variant here, and both matches over it stop compiling until
//! they say what it means.
//!
//! Layer 1 (records), beside the contact log's reader. Pure: no I/O, no
//! text for the reader.

use super::recipe::{Figure, Outcome};

/// Why a contact is in no figure at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    /// Its outcome is listed as `ignored`.
    Ignored,
    /// Abandoned with a wait of up to `abandon_short_seconds` (when that
    /// is above 0): a caller who hung up at once.
    ShortAbandon,
}

impl Leave {
    pub const ALL: [Leave; 2] = [Leave::Ignored, Leave::ShortAbandon];

    /// Whether it leaves out a contact with this outcome and wait.
    pub fn applies(self, outcome: Outcome, wait: Option<f64>, short_seconds: f64) -> bool {
        match self {
            Leave::Ignored => outcome == Outcome::Ignored,
            Leave::ShortAbandon => {
                outcome == Outcome::Abandoned
                    && short_seconds > 0.0
                    && wait.is_some_and(|w| w <= short_seconds)
            }
        }
    }
}

/// The contacts of a day a count is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Answered,
    /// Answered with a wait of up to `service_level_seconds` (a contact
    /// with no wait is not).
    AnsweredWithin,
    Abandoned,
}

impl Over {
    pub fn holds(self, outcome: Outcome, wait: Option<f64>, service_level_seconds: f64) -> bool {
        match self {
            Over::Answered => outcome == Outcome::Answered,
            Over::AnsweredWithin => {
                outcome == Outcome::Answered && wait.is_some_and(|w| w <= service_level_seconds)
            }
            Over::Abandoned => outcome == Outcome::Abandoned,
        }
    }
}

/// What each contact a count is over adds to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adds {
    One,
    /// Its wait in seconds (none adds 0).
    Wait,
    /// Its handle time in seconds (none adds 0).
    Handle,
}

impl Adds {
    pub fn of(self, wait: Option<f64>, handle: Option<f64>) -> f64 {
        match self {
            Adds::One => 1.0,
            Adds::Wait => wait.unwrap_or(0.0),
            Adds::Handle => handle.unwrap_or(0.0),
        }
    }
}

/// One of the counts a day (and combination of dimension values) keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Count {
    Answered,
    /// Answered within `service_level_seconds`.
    Within,
    /// Abandoned, short abandons left out.
    Abandoned,
    /// Seconds waited, over answered contacts.
    Wait,
    /// Seconds handled, over answered contacts.
    Handle,
}

impl Count {
    pub const ALL: [Count; 5] = [
        Count::Answered,
        Count::Within,
        Count::Abandoned,
        Count::Wait,
        Count::Handle,
    ];

    /// Its name, as the SQL's column.
    pub fn name(self) -> &'static str {
        match self {
            Count::Answered => "answered",
            Count::Within => "within",
            Count::Abandoned => "abandoned",
            Count::Wait => "wait_seconds",
            Count::Handle => "handle_seconds",
        }
    }

    pub fn over(self) -> Over {
        match self {
            Count::Answered | Count::Wait | Count::Handle => Over::Answered,
            Count::Within => Over::AnsweredWithin,
            Count::Abandoned => Over::Abandoned,
        }
    }

    pub fn adds(self) -> Adds {
        match self {
            Count::Answered | Count::Within | Count::Abandoned => Adds::One,
            Count::Wait => Adds::Wait,
            Count::Handle => Adds::Handle,
        }
    }
}

/// A figure as `scale × sum(numerator) ÷ sum(denominator)`, weighted by
/// the denominator, with no row when that is 0. An empty denominator makes
/// the figure a count, weighted 1 and always written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Definition {
    pub numerator: &'static [Count],
    pub denominator: &'static [Count],
    /// 100 for a percentage.
    pub scale: f64,
    /// In seconds, written in its metric's unit of time.
    pub time: bool,
}

/// Answered and abandoned: the contacts the figures are over.
const OFFERED: &[Count] = &[Count::Answered, Count::Abandoned];

impl Figure {
    /// What the figure is. The weights make the build's roll-up of a week
    /// or a month (a weighted mean) equal the figure over all its contacts.
    pub fn definition(self) -> Definition {
        let ratio = |numerator, denominator, scale, time| Definition {
            numerator,
            denominator,
            scale,
            time,
        };
        match self {
            Figure::Offered => ratio(OFFERED, &[], 1.0, false),
            Figure::ServiceLevel => ratio(&[Count::Within], OFFERED, 100.0, false),
            Figure::AbandonRate => ratio(&[Count::Abandoned], OFFERED, 100.0, false),
            Figure::Asa => ratio(&[Count::Wait], &[Count::Answered], 1.0, true),
            Figure::Aht => ratio(&[Count::Handle], &[Count::Answered], 1.0, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_abandons_need_a_wait_and_a_threshold() {
        let short = Leave::ShortAbandon;
        assert!(short.applies(Outcome::Abandoned, Some(3.0), 3.0));
        assert!(!short.applies(Outcome::Abandoned, Some(3.5), 3.0));
        assert!(!short.applies(Outcome::Abandoned, None, 3.0));
        assert!(!short.applies(Outcome::Abandoned, Some(0.0), 0.0));
        assert!(!short.applies(Outcome::Answered, Some(1.0), 3.0));
    }

    #[test]
    fn within_needs_a_wait() {
        assert!(Over::AnsweredWithin.holds(Outcome::Answered, Some(20.0), 20.0));
        assert!(!Over::AnsweredWithin.holds(Outcome::Answered, None, 20.0));
        assert!(!Over::AnsweredWithin.holds(Outcome::Abandoned, Some(1.0), 20.0));
    }
}
