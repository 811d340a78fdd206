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

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
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
    fn add(&mut self, r: &Response) {
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

    fn figures(&self) -> Figures {
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

/// All the VoC figures of a plan.
#[derive(Debug, Clone, Default)]
pub struct Voc {
    pub overall: Figures,
    /// Every period from the first response to the last.
    pub periods: Vec<(Period, Figures)>,
    /// Per segment dimension, per value (in value order), over all responses.
    pub segments: Vec<(String, Vec<(String, Figures)>)>,
}

pub fn compute(surveys: &Surveys, length: Length, as_of: Date) -> Voc {
    let responses: Vec<&Response> = surveys
        .responses
        .iter()
        .filter(|r| r.date <= as_of)
        .collect();
    let mut overall = Acc::default();
    let mut periods: BTreeMap<Period, Acc> = BTreeMap::new();
    let mut segments: Vec<BTreeMap<&str, Acc>> = vec![BTreeMap::new(); surveys.segments.len()];
    for r in &responses {
        overall.add(r);
        periods
            .entry(Period::of(length, r.date))
            .or_default()
            .add(r);
        for (dim, value) in &r.segments {
            segments[*dim].entry(value.as_str()).or_default().add(r);
        }
    }
    let mut filled = Vec::new();
    if let (Some(first), Some(last)) = (
        periods.keys().next().copied(),
        periods.keys().last().copied(),
    ) {
        let mut p = first;
        while p <= last {
            filled.push((p, periods.get(&p).copied().unwrap_or_default().figures()));
            p = p.next();
        }
    }
    Voc {
        overall: overall.figures(),
        periods: filled,
        segments: surveys
            .segments
            .iter()
            .zip(segments)
            .map(|(name, values)| {
                let values = values
                    .into_iter()
                    .map(|(v, acc)| (v.to_owned(), acc.figures()))
                    .collect();
                (name.clone(), values)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn response(nps: Option<u8>, csat: Option<u8>) -> Response {
        Response {
            id: None,
            date: date(2026, 5, 4),
            nps,
            csat,
            ces: Some(3),
            attributes: Vec::new(),
            segments: Vec::new(),
            comment: None,
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
