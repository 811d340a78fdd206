//! Voice of the customer: NPS, CSAT and CES from survey responses, per trend
//! period and per segment, each with the number of answers it rests on.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::periods::{Length, Period};
use crate::data::surveys::{Response, Surveys};

/// Fewer answers than this and a figure is flagged as a small sample.
pub const SMALL_SAMPLE: u32 = 30;

/// The survey figures of one group of responses.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Figures {
    /// Responses in the group.
    pub responses: u32,
    /// Answers to the NPS question.
    pub nps_n: u32,
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    /// % promoters − % detractors, −100..100.
    pub nps: Option<f64>,
    /// Half-width of the 95 % confidence interval of the NPS, in points.
    pub nps_margin: Option<f64>,
    pub csat_n: u32,
    /// Share of CSAT answers that are 4 or 5, in percent.
    pub csat: Option<f64>,
    pub ces_n: u32,
    pub ces: Option<f64>,
    /// Fewer than [`SMALL_SAMPLE`] NPS answers.
    pub small_sample: bool,
}

/// Running counts of a group of responses.
#[derive(Debug, Clone, Copy, Default)]
pub struct Acc {
    responses: u32,
    promoters: u32,
    passives: u32,
    detractors: u32,
    csat_n: u32,
    csat_top: u32,
    ces_n: u32,
    ces_sum: f64,
}

impl Acc {
    pub fn add(&mut self, r: &Response) {
        self.responses += 1;
        match r.nps {
            Some(9..=10) => self.promoters += 1,
            Some(7..=8) => self.passives += 1,
            Some(_) => self.detractors += 1,
            None => {}
        }
        if let Some(c) = r.csat {
            self.csat_n += 1;
            self.csat_top += u32::from(c >= 4);
        }
        if let Some(c) = r.ces {
            self.ces_n += 1;
            self.ces_sum += f64::from(c);
        }
    }

    fn merge(&mut self, o: &Acc) {
        self.responses += o.responses;
        self.promoters += o.promoters;
        self.passives += o.passives;
        self.detractors += o.detractors;
        self.csat_n += o.csat_n;
        self.csat_top += o.csat_top;
        self.ces_n += o.ces_n;
        self.ces_sum += o.ces_sum;
    }

    pub fn figures(&self) -> Figures {
        let n = self.promoters + self.passives + self.detractors;
        let (nps, nps_margin) = if n > 0 {
            let nf = f64::from(n);
            let (p, d) = (
                f64::from(self.promoters) / nf,
                f64::from(self.detractors) / nf,
            );
            // The variance of the +1/0/−1 scores.
            let var = p + d - (p - d).powi(2);
            (
                Some((p - d) * 100.0),
                Some(1.96 * (var / nf).sqrt() * 100.0),
            )
        } else {
            (None, None)
        };
        Figures {
            responses: self.responses,
            nps_n: n,
            promoters: self.promoters,
            passives: self.passives,
            detractors: self.detractors,
            nps,
            nps_margin,
            csat_n: self.csat_n,
            csat: (self.csat_n > 0)
                .then(|| f64::from(self.csat_top) / f64::from(self.csat_n) * 100.0),
            ces_n: self.ces_n,
            ces: (self.ces_n > 0).then(|| self.ces_sum / f64::from(self.ces_n)),
            small_sample: n < SMALL_SAMPLE,
        }
    }
}

/// How NPS moved from the period before, with a two-sample z test on the
/// variances of the +1/0/−1 scores.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct NpsChange {
    /// In NPS points.
    pub delta: f64,
    pub z: f64,
    pub p_value: f64,
    /// `p_value` adjusted by Holm's method for every change of the same
    /// series: thirty weekly tests at 5 % would call one week in twenty a
    /// change by chance, and this keeps the chance of any false mark in the
    /// series under alpha. What a page's "significant" rests on.
    pub p_value_holm: f64,
}

/// One period's figures and the change from the period before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodFigures {
    pub period: Period,
    pub figures: Figures,
    pub change: Option<NpsChange>,
}

/// The responses of one value of a segment dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub value: String,
    pub overall: Figures,
    /// Parallel to [`Voc::periods`].
    pub periods: Vec<PeriodFigures>,
}

/// All the VoC figures of a plan.
#[derive(Debug, Clone, Default)]
pub struct Voc {
    pub overall: Figures,
    /// Every period from the first response to the last.
    pub periods: Vec<PeriodFigures>,
    /// Per segment dimension, per value (in value order).
    pub segments: Vec<(String, Vec<Segment>)>,
}

pub fn compute(surveys: &Surveys, length: Length, as_of: Date) -> Voc {
    let mut overall = Acc::default();
    // Responses come in date order, so each period's counts are built at
    // the end of a list: no map lookup per response.
    let mut periods: Vec<(Period, Acc)> = Vec::new();
    // Per profile (combination of segment values) first: a response is
    // counted once, then, at the end of each period, each profile's counts
    // go to each of its values. The counts are whole numbers (the CES sum
    // too), so the order they are added in does not matter.
    let mut segments: Vec<Vec<BTreeMap<Period, Acc>>> = surveys
        .values
        .iter()
        .map(|values| vec![BTreeMap::new(); values.len()])
        .collect();
    let mut by_profile = vec![Acc::default(); surveys.profiles.len()];
    // The profiles counted in the period so far, to be handed on.
    let mut counted: Vec<u32> = Vec::new();
    let mut hand_on = |period: Period, by_profile: &mut [Acc], counted: &mut Vec<u32>| {
        for p in counted.drain(..) {
            let (Some(acc), Some(profile)) = (
                by_profile.get_mut(p as usize),
                surveys.profiles.get(p as usize),
            ) else {
                continue;
            };
            for &(dim, value) in profile {
                let into = &mut segments[dim as usize][value as usize];
                into.entry(period).or_default().merge(acc);
            }
            *acc = Acc::default();
        }
    };
    let mut period_of = None;
    for r in surveys.responses.iter().filter(|r| r.date <= as_of) {
        // Responses are in date order: most share the previous one's date.
        let period = match period_of {
            Some((date, period)) if date == r.date => period,
            _ => {
                let period = Period::of(length, r.date);
                if let Some((_, last)) = period_of
                    && last != period
                {
                    hand_on(last, &mut by_profile, &mut counted);
                }
                period_of = Some((r.date, period));
                period
            }
        };
        overall.add(r);
        add_at_end(&mut periods, period, r);
        if let Some(acc) = by_profile.get_mut(r.profile as usize) {
            if acc.responses == 0 {
                counted.push(r.profile);
            }
            acc.add(r);
        }
    }
    if let Some((_, last)) = period_of {
        hand_on(last, &mut by_profile, &mut counted);
    }
    let periods: BTreeMap<Period, Acc> = periods.into_iter().collect();
    let range: Vec<Period> = match (periods.keys().next(), periods.keys().last()) {
        (Some(&first), Some(&last)) => {
            std::iter::successors(Some(first), |p| Some(p.next()).filter(|n| *n <= last)).collect()
        }
        _ => Vec::new(),
    };
    Voc {
        overall: overall.figures(),
        periods: series(&range, &periods),
        segments: surveys
            .segments
            .iter()
            .zip(segments)
            .zip(&surveys.values)
            .map(|((name, by_value), names)| {
                let mut values: Vec<Segment> = by_value
                    .into_iter()
                    .zip(names)
                    // A value seen only after `as_of`.
                    .filter(|(by_period, _)| !by_period.is_empty())
                    .map(|(by_period, v)| Segment {
                        value: v.clone(),
                        overall: by_period
                            .values()
                            .fold(Acc::default(), |mut all, acc| {
                                all.merge(acc);
                                all
                            })
                            .figures(),
                        periods: series(&range, &by_period),
                    })
                    .collect();
                values.sort_by(|a, b| a.value.cmp(&b.value));
                (name.clone(), values)
            })
            .collect(),
    }
}

/// Adds `r` to the counts of `period`, the last of `list` or a new last one.
/// Should a response ever come out of date order, its period is found
/// further back, so nothing is counted twice or lost.
fn add_at_end(list: &mut Vec<(Period, Acc)>, period: Period, r: &Response) {
    match list.iter_mut().rev().find(|(p, _)| *p <= period) {
        Some((p, acc)) if *p == period => acc.add(r),
        _ => {
            let mut acc = Acc::default();
            acc.add(r);
            let at = list.partition_point(|(p, _)| *p < period);
            list.insert(at, (period, acc));
        }
    }
}

/// The figures of every period of `range`, each with its change from the one before.
fn series(range: &[Period], accs: &BTreeMap<Period, Acc>) -> Vec<PeriodFigures> {
    let mut out: Vec<PeriodFigures> = Vec::with_capacity(range.len());
    for &period in range {
        let figures = accs.get(&period).copied().unwrap_or_default().figures();
        let change = out
            .last()
            .and_then(|prev| nps_change(&prev.figures, &figures));
        out.push(PeriodFigures {
            period,
            figures,
            change,
        });
    }
    let tested: Vec<f64> = out
        .iter()
        .filter_map(|p| p.change.map(|c| c.p_value))
        .collect();
    let mut adjusted = super::stats::holm(&tested).into_iter();
    for change in out.iter_mut().filter_map(|p| p.change.as_mut()) {
        change.p_value_holm = adjusted.next().unwrap_or(1.0);
    }
    out
}

/// The variance of the +1/0/−1 scores behind an NPS.
fn nps_variance(f: &Figures) -> Option<(f64, f64)> {
    let n = f64::from(f.nps_n);
    (f.nps_n > 0).then(|| {
        let (p, d) = (f64::from(f.promoters) / n, f64::from(f.detractors) / n);
        (p + d - (p - d).powi(2), n)
    })
}

/// NPS of `after` against `before`; `None` without answers on a side or
/// when neither side varies.
pub fn nps_change(before: &Figures, after: &Figures) -> Option<NpsChange> {
    let (vb, nb) = nps_variance(before)?;
    let (va, na) = nps_variance(after)?;
    let se = (vb / nb + va / na).sqrt() * 100.0;
    let delta = after.nps? - before.nps?;
    if se == 0.0 {
        return None;
    }
    let z = delta / se;
    let p_value = super::stats::normal_p(z);
    Some(NpsChange {
        delta,
        z,
        p_value,
        // A single test until its series adjusts it.
        p_value_holm: p_value,
    })
}

/// A segment in a row of the JSON API.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SegmentRef {
    pub dimension: String,
    pub value: String,
}

/// One row of `nps[]` in the JSON API: a period, for all responses or for
/// one segment value.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NpsRow {
    pub period: String,
    pub segment: Option<SegmentRef>,
    pub responses: u32,
    pub n: u32,
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    pub nps: Option<f64>,
    pub margin_of_error: Option<f64>,
    pub small_sample: bool,
    pub change: Option<NpsChange>,
    pub csat: Option<f64>,
    pub csat_n: u32,
    pub ces: Option<f64>,
    pub ces_n: u32,
}

/// The rows of `nps[]`: every period for all responses, then every period of
/// every segment value.
pub fn rows(voc: &Voc) -> Vec<NpsRow> {
    let row = |p: &PeriodFigures, segment: Option<SegmentRef>| {
        let f = p.figures;
        NpsRow {
            period: p.period.label(),
            segment,
            responses: f.responses,
            n: f.nps_n,
            promoters: f.promoters,
            passives: f.passives,
            detractors: f.detractors,
            nps: f.nps,
            margin_of_error: f.nps_margin,
            small_sample: f.small_sample,
            change: p.change,
            csat: f.csat,
            csat_n: f.csat_n,
            ces: f.ces,
            ces_n: f.ces_n,
        }
    };
    let mut out: Vec<NpsRow> = voc.periods.iter().map(|p| row(p, None)).collect();
    for (dimension, values) in &voc.segments {
        for s in values {
            out.extend(s.periods.iter().map(|p| {
                row(
                    p,
                    Some(SegmentRef {
                        dimension: dimension.clone(),
                        value: s.value.clone(),
                    }),
                )
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn response(nps: Option<u8>, csat: Option<u8>) -> Response {
        Response {
            date: date(2026, 5, 4),
            nps,
            csat,
            ces: Some(3),
            ..Response::default()
        }
    }

    #[test]
    fn nps_counts_and_margin() {
        let mut acc = Acc::default();
        for s in [10, 9, 8, 6, 3] {
            acc.add(&response(Some(s), Some(4)));
        }
        acc.add(&response(None, Some(2)));
        let f = acc.figures();
        assert_eq!(
            (f.promoters, f.passives, f.detractors, f.nps_n, f.responses),
            (2, 1, 2, 5, 6)
        );
        assert_eq!(f.nps, Some(0.0));
        // var = 0.4 + 0.4 − 0 = 0.8; 1.96 × sqrt(0.8 / 5) × 100
        assert!((f.nps_margin.expect("margin") - 1.96 * 0.16f64.sqrt() * 100.0).abs() < 1e-9);
        assert!((f.csat.expect("csat") - 500.0 / 6.0).abs() < 1e-9);
        assert!(f.small_sample);
    }

    /// Weekly NPS of a service that never changes: 30 weeks of 200
    /// answers, 50 % promoters, 20 % detractors.
    fn flat_weeks(rng: &mut crate::rng::Rng) -> Vec<PeriodFigures> {
        let range: Vec<Period> = (0..30)
            .map(|index| Period {
                length: Length::Week,
                index,
            })
            .collect();
        let mut accs = BTreeMap::new();
        for period in &range {
            let acc: &mut Acc = accs.entry(*period).or_default();
            for _ in 0..200 {
                let u = rng.unit();
                let score = if u < 0.5 {
                    10
                } else if u < 0.8 {
                    8
                } else {
                    4
                };
                acc.add(&response(Some(score), None));
            }
        }
        series(&range, &accs)
    }

    #[test]
    fn weekly_noise_is_rarely_marked() {
        // Of 1,000 such series, the share with any week marked significant:
        // about three in four with a plain test per week, under alpha with
        // Holm's correction.
        let mut rng = crate::rng::Rng::new(18);
        let (mut plain, mut corrected) = (0, 0);
        for _ in 0..1_000 {
            let weeks = flat_weeks(&mut rng);
            let changes = || weeks.iter().filter_map(|w| w.change);
            plain += usize::from(changes().any(|c| c.p_value < 0.05));
            corrected += usize::from(changes().any(|c| c.p_value_holm < 0.05));
        }
        eprintln!("NPS marks: plain {plain}, corrected {corrected}");
        assert!(plain > 600, "plain {plain}");
        assert!(corrected <= 70, "corrected {corrected}");
    }

    #[test]
    fn counts_land_in_their_period_whatever_the_order() {
        let week = |index| Period {
            length: Length::Week,
            index,
        };
        let mut list = Vec::new();
        for index in [2, 2, 1, 3, 2] {
            add_at_end(&mut list, week(index), &response(Some(10), None));
        }
        let counts: Vec<(i64, u32)> = list
            .iter()
            .map(|(p, acc)| (p.index, acc.figures().nps_n))
            .collect();
        assert_eq!(counts, [(1, 1), (2, 3), (3, 1)]);
    }

    #[test]
    fn all_promoters_have_no_margin() {
        let mut acc = Acc::default();
        acc.add(&response(Some(10), None));
        let f = acc.figures();
        assert_eq!(
            (f.nps, f.nps_margin, f.csat),
            (Some(100.0), Some(0.0), None)
        );
    }
}
