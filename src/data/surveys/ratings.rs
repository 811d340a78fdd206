//! The attribute ratings of every survey response, in one array that is as
//! small as its values allow. Ratings are on short scales (1–5 by default)
//! and written with a decimal or two at most, so each is kept in two bytes,
//! as a number of hundredths, for as long as every rating read back from
//! them is bit for bit the number that was parsed; the first rating that
//! would not be turns the whole array into `f64`s. A million responses of
//! five ratings are 10 MB rather than 40 MB, and no rating is ever rounded.

/// Every rating of a plan's responses, each `None` where none was given.
#[derive(Debug, Clone, PartialEq)]
pub enum Ratings {
    /// Each rating as its number of hundredths (`0.0` to `655.34`), and
    /// [`NONE`] where none was given.
    Hundredths(Vec<u16>),
    /// Each rating as parsed, `NaN` where none was given.
    Exact(Vec<f64>),
}

/// The slot of a missing rating among hundredths.
const NONE: u16 = u16::MAX;

impl Default for Ratings {
    fn default() -> Self {
        Ratings::Hundredths(Vec::new())
    }
}

impl Ratings {
    /// How many slots there are, given or not.
    pub fn len(&self) -> usize {
        match self {
            Ratings::Hundredths(all) => all.len(),
            Ratings::Exact(all) => all.len(),
        }
    }

    /// The rating in slot `i`: `None` where none was given or past the end.
    pub fn get(&self, i: usize) -> Option<f64> {
        match self {
            Ratings::Hundredths(all) => all.get(i).filter(|&&h| h != NONE).map(|&h| decode(h)),
            Ratings::Exact(all) => all.get(i).copied().filter(|v| !v.is_nan()),
        }
    }

    /// Adds a run of slots, `NaN` where a rating was not given.
    pub fn extend_from_slice(&mut self, run: &[f64]) {
        if let Ratings::Hundredths(all) = self {
            let start = all.len();
            let fits = run.iter().all(|&v| slot(v).map(|h| all.push(h)).is_some());
            if fits {
                return;
            }
            all.truncate(start);
        }
        self.exact().extend_from_slice(run);
    }

    /// Adds the slots of `other` after these.
    pub fn append(&mut self, other: &Ratings) {
        match (&mut *self, other) {
            (Ratings::Hundredths(all), Ratings::Hundredths(more)) => all.extend_from_slice(more),
            (_, Ratings::Exact(more)) => self.exact().extend_from_slice(more),
            (Ratings::Exact(all), Ratings::Hundredths(more)) => {
                all.extend(
                    more.iter()
                        .map(|&h| if h == NONE { f64::NAN } else { decode(h) }),
                );
            }
        }
    }

    /// Makes it `len` slots long, the new ones without a rating.
    pub fn resize(&mut self, len: usize) {
        match self {
            Ratings::Hundredths(all) => all.resize(len, NONE),
            Ratings::Exact(all) => all.resize(len, f64::NAN),
        }
    }

    /// Puts `v` (`NaN` for none) in slot `i`, which must exist.
    pub fn set(&mut self, i: usize, v: f64) {
        if let Ratings::Hundredths(all) = self
            && let Some(h) = slot(v)
        {
            all[i] = h;
            return;
        }
        self.exact()[i] = v;
    }

    /// The ratings as `f64`s, converted from hundredths the first time.
    fn exact(&mut self) -> &mut Vec<f64> {
        if let Ratings::Hundredths(all) = self {
            let widened = all
                .iter()
                .map(|&h| if h == NONE { f64::NAN } else { decode(h) })
                .collect();
            *self = Ratings::Exact(widened);
        }
        match self {
            Ratings::Exact(all) => all,
            Ratings::Hundredths(_) => unreachable!("widened above"),
        }
    }
}

/// What a slot among hundredths holds for `v` (`NaN` for none), if any.
fn slot(v: f64) -> Option<u16> {
    if v.is_nan() { Some(NONE) } else { encode(v) }
}

/// `v` as a number of hundredths, when that number reads back as exactly
/// `v` (the same bits: `-0.0` is not `0.0`).
fn encode(v: f64) -> Option<u16> {
    if !(0.0..=655.34).contains(&v) {
        return None;
    }
    // In range, the product rounds to a whole number from 0 to 65,534.
    let h = (v * 100.0).round() as u16;
    (decode(h).to_bits() == v.to_bits()).then_some(h)
}

/// A number of hundredths as the `f64` a parser gives for its decimal: a
/// quotient of two exact integers is rounded once, to the nearest `f64`, as
/// parsing the decimal is.
fn decode(h: u16) -> f64 {
    f64::from(h) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> f64 {
        text.parse().unwrap_or(f64::NAN)
    }

    #[test]
    fn ratings_of_up_to_two_decimals_stay_in_hundredths_and_read_back_exactly() {
        let mut ratings = Ratings::default();
        let values: Vec<f64> = ["1", "4.5", "4.25", "0.01", "3.3", "10", "655.34", "0"]
            .iter()
            .map(|t| parsed(t))
            .collect();
        ratings.extend_from_slice(&values);
        ratings.extend_from_slice(&[f64::NAN, 2.0]);
        assert!(matches!(ratings, Ratings::Hundredths(_)));
        for (i, v) in values.iter().enumerate() {
            assert_eq!(ratings.get(i).map(f64::to_bits), Some(v.to_bits()), "{v}");
        }
        assert_eq!(ratings.get(values.len()), None);
        assert_eq!(ratings.get(values.len() + 1), Some(2.0));
        assert_eq!(ratings.get(99), None);
    }

    #[test]
    fn every_decimal_of_two_places_on_a_scale_reads_back_as_parsed() {
        let mut ratings = Ratings::default();
        let texts: Vec<String> = (0..=65534u32)
            .map(|h| format!("{}.{:02}", h / 100, h % 100))
            .collect();
        let values: Vec<f64> = texts.iter().map(|t| parsed(t)).collect();
        ratings.extend_from_slice(&values);
        assert!(matches!(ratings, Ratings::Hundredths(_)));
        for (i, v) in values.iter().enumerate() {
            assert_eq!(
                ratings.get(i).map(f64::to_bits),
                Some(v.to_bits()),
                "{}",
                texts[i]
            );
        }
    }

    #[test]
    fn a_rating_hundredths_cannot_hold_turns_them_all_into_exact_values() {
        for odd in [4.333, -1.0, 700.0, -0.0, 1e-9] {
            let mut ratings = Ratings::default();
            ratings.extend_from_slice(&[1.0, f64::NAN]);
            ratings.extend_from_slice(&[odd, 2.5]);
            assert!(matches!(ratings, Ratings::Exact(_)), "{odd}");
            let read: Vec<_> = (0..4).map(|i| ratings.get(i).map(f64::to_bits)).collect();
            let expected = [Some(1.0f64), None, Some(odd), Some(2.5)].map(|v| v.map(f64::to_bits));
            assert_eq!(read, expected, "{odd}");
        }
    }

    #[test]
    fn slots_set_after_a_resize_widen_only_when_they_must() {
        let mut ratings = Ratings::default();
        ratings.resize(3);
        ratings.set(1, 4.0);
        assert!(matches!(ratings, Ratings::Hundredths(_)));
        ratings.set(2, 4.125);
        assert!(matches!(ratings, Ratings::Exact(_)));
        let read: Vec<_> = (0..3).map(|i| ratings.get(i)).collect();
        assert_eq!(read, [None, Some(4.0), Some(4.125)]);
    }

    #[test]
    fn appended_ratings_keep_their_values_whichever_form_each_side_is_in() {
        let compact = || {
            let mut r = Ratings::default();
            r.extend_from_slice(&[1.5, f64::NAN]);
            r
        };
        let exact = || {
            let mut r = Ratings::default();
            r.extend_from_slice(&[f64::NAN, 1.0 / 3.0]);
            r
        };
        for (mut left, right) in [
            (compact(), compact()),
            (compact(), exact()),
            (exact(), compact()),
            (exact(), exact()),
        ] {
            let expected: Vec<_> = (0..2)
                .map(|i| left.get(i))
                .chain((0..2).map(|i| right.get(i)))
                .collect();
            left.append(&right);
            let read: Vec<_> = (0..4).map(|i| left.get(i)).collect();
            assert_eq!(read, expected);
        }
    }
}
