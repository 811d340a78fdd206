//! Key drivers: how strongly each `attr_*` rating goes with the outcome score
//! (NPS, else CSAT), how well it performs, and the quadrant that follows.
//! Importance is the signed Pearson r between the rating and the outcome over
//! the responses that have both; performance is the mean rating on a 0–100
//! scale; the quadrants split both at their medians over the attributes.

use jiff::civil::Date;
use serde::Serialize;

use super::stats;
use crate::data::surveys::{Response, Surveys};

/// Where an attribute sits by importance and performance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quadrant {
    /// Matters more than most and performs worse than most.
    FixFirst,
    /// Matters more than most and performs at least as well as most.
    Strength,
    /// Matters less, performs at least as well.
    Maintain,
    /// Matters less, performs worse.
    Monitor,
}

/// One attribute's importance and performance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    pub attribute: String,
    /// The score the attribute is correlated with: `nps` or `csat`.
    pub outcome: &'static str,
    /// Responses with both the rating and the outcome.
    pub n: usize,
    /// Pearson r; `None` with fewer than three pairs or a constant side.
    pub r: Option<f64>,
    pub p_value: Option<f64>,
    /// (mean − lowest) / (highest − lowest) × 100 over every rating given.
    pub performance: Option<f64>,
    pub quadrant: Option<Quadrant>,
}

/// The drivers of every attribute, in the order the survey files name them.
pub fn compute(surveys: &Surveys, scale: (f64, f64), as_of: Date) -> Vec<Driver> {
    let responses = || surveys.responses.iter().filter(|r| r.date <= as_of);
    let (outcome, score): (&'static str, fn(&Response) -> Option<u8>) =
        if responses().any(|r| r.nps.is_some()) {
            ("nps", |r| r.nps)
        } else {
            ("csat", |r| r.csat)
        };
    // Every attribute in the same three passes over the answers (a million
    // of them), each answer's ratings read together: the pairs are not
    // copied, and each sum is taken in answer order as a pass per
    // attribute would take it.
    let width = surveys.attributes.len();
    let mut rated = vec![(0.0, 0usize); width];
    let mut fits = vec![stats::Pearson::default(); width];
    for r in responses() {
        let outcome = score(r).map(f64::from);
        for (i, (rated, fit)) in rated.iter_mut().zip(&mut fits).enumerate() {
            let Some(rating) = surveys.rating(r, i) else {
                continue;
            };
            rated.0 += rating;
            rated.1 += 1;
            if let Some(outcome) = outcome {
                fit.sums(rating, outcome);
            }
        }
    }
    // The later passes are made when an attribute needs them; one with too
    // few pairs or a constant side gets no r from `finish`, whatever they
    // added to it.
    let centred: Vec<bool> = fits.iter_mut().map(stats::Pearson::centre).collect();
    if centred.contains(&true) {
        pass(surveys, as_of, score, &mut fits, stats::Pearson::spreads);
    }
    let scaled: Vec<bool> = fits.iter_mut().map(stats::Pearson::scale).collect();
    if scaled.contains(&true) {
        pass(surveys, as_of, score, &mut fits, stats::Pearson::products);
    }
    let mut drivers: Vec<Driver> = surveys
        .attributes
        .iter()
        .zip(rated.into_iter().zip(fits))
        .map(|(name, ((sum, count), fit))| {
            let fit_r = fit.finish();
            Driver {
                attribute: name.clone(),
                outcome,
                n: fit.n,
                r: fit_r.map(|(r, _)| r),
                p_value: fit_r.map(|(_, p)| p),
                performance: (count > 0)
                    .then(|| (sum / count as f64 - scale.0) / (scale.1 - scale.0) * 100.0),
                quadrant: None,
            }
        })
        .collect();
    place(&mut drivers);
    drivers
}

/// A pass over the answers dated on or before `as_of` with an outcome
/// score: `add` is given each attribute's rating and the score.
fn pass(
    surveys: &Surveys,
    as_of: Date,
    score: fn(&Response) -> Option<u8>,
    fits: &mut [stats::Pearson],
    add: impl Fn(&mut stats::Pearson, f64, f64),
) {
    for r in surveys.responses.iter().filter(|r| r.date <= as_of) {
        let Some(outcome) = score(r).map(f64::from) else {
            continue;
        };
        for (i, fit) in fits.iter_mut().enumerate() {
            if let Some(rating) = surveys.rating(r, i) {
                add(fit, rating, outcome);
            }
        }
    }
}

/// The medians of r and of performance over the attributes that have
/// both: where the quadrants split (the chart draws its lines there).
pub fn medians(drivers: &[Driver]) -> Option<(f64, f64)> {
    let both = || drivers.iter().filter_map(|d| d.r.zip(d.performance));
    Some((
        median(both().map(|(r, _)| r).collect())?,
        median(both().map(|(_, p)| p).collect())?,
    ))
}

/// Sets each quadrant from the medians of r and performance over the
/// attributes that have both.
fn place(drivers: &mut [Driver]) {
    let Some((mr, mp)) = medians(drivers) else {
        return;
    };
    for d in drivers {
        if let (Some(r), Some(p)) = (d.r, d.performance) {
            d.quadrant = Some(match (r > mr, p >= mp) {
                (true, false) => Quadrant::FixFirst,
                (true, true) => Quadrant::Strength,
                (false, true) => Quadrant::Maintain,
                (false, false) => Quadrant::Monitor,
            });
        }
    }
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    Some(if xs.len().is_multiple_of(2) {
        (xs[mid - 1] + xs[mid]) / 2.0
    } else {
        xs[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn driver(name: &str, r: f64, performance: f64) -> Driver {
        Driver {
            attribute: name.to_owned(),
            outcome: "nps",
            n: 100,
            r: Some(r),
            p_value: Some(0.01),
            performance: Some(performance),
            quadrant: None,
        }
    }

    #[test]
    fn quadrants_split_at_the_medians() {
        let mut d = vec![
            driver("speed", 0.6, 40.0),
            driver("resolution", 0.7, 65.0),
            driver("knowledge", 0.45, 55.0),
            driver("empathy", 0.25, 72.0),
        ];
        place(&mut d);
        let q: Vec<_> = d.iter().map(|d| d.quadrant).collect();
        // Medians: r 0.525, performance 60.
        assert_eq!(
            q,
            [
                Some(Quadrant::FixFirst),
                Some(Quadrant::Strength),
                Some(Quadrant::Monitor),
                Some(Quadrant::Maintain)
            ]
        );
    }

    #[test]
    fn an_attribute_without_r_has_no_quadrant() {
        let mut d = vec![driver("a", 0.5, 50.0), driver("b", 0.1, 20.0)];
        d.push(Driver {
            r: None,
            p_value: None,
            ..driver("c", 0.0, 90.0)
        });
        place(&mut d);
        assert_eq!(d[2].quadrant, None);
        assert_eq!(d[0].quadrant, Some(Quadrant::Strength));
        assert_eq!(d[1].quadrant, Some(Quadrant::Monitor));
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }
}
