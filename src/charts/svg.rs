//! Small inline SVG pictures drawn in Rust, so that KPI cards and tables
//! show their shape with no script at all: a sparkline of the recent
//! periods and a bullet of the latest value against the target.
//!
//! The markup holds only numbers this module formats, never text from the
//! plan, so it is safe to insert as it is. The pictures repeat what the
//! card says in words, so they are hidden from screen readers.

use std::fmt::Write as _;

const WIDTH: f64 = 120.0;
const SPARK_HEIGHT: f64 = 32.0;
const BULLET_HEIGHT: f64 = 14.0;
const PAD: f64 = 3.0;

/// A line through `values` (gaps where a period has none), with the target
/// as a dashed line when it falls in or near the range. `None` when fewer
/// than two values are known.
pub fn sparkline(values: &[Option<f64>], target: Option<f64>) -> Option<String> {
    let known: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    if known.len() < 2 {
        return None;
    }
    let (mut lo, mut hi) = known
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    let target = target.filter(|t| t.is_finite());
    if let Some(t) = target {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    if (hi - lo).abs() < f64::EPSILON {
        lo -= 1.0;
        hi += 1.0;
    }
    let step = (WIDTH - 2.0 * PAD) / (values.len().max(2) - 1) as f64;
    let y = |v: f64| PAD + (hi - v) / (hi - lo) * (SPARK_HEIGHT - 2.0 * PAD);
    let mut path = String::new();
    let mut pen_down = false;
    let mut last = None;
    for (i, v) in values.iter().enumerate() {
        match v.filter(|v| v.is_finite()) {
            Some(v) => {
                let (px, py) = (PAD + i as f64 * step, y(v));
                let _ = write!(path, "{}{px:.1} {py:.1}", if pen_down { "L" } else { "M" });
                pen_down = true;
                last = Some((px, py));
            }
            None => pen_down = false,
        }
    }
    let mut svg = format!(
        r#"<svg class="spark" viewBox="0 0 {WIDTH} {SPARK_HEIGHT}" width="{WIDTH}" height="{SPARK_HEIGHT}" aria-hidden="true" focusable="false">"#
    );
    if let Some(t) = target {
        let ty = y(t);
        let _ = write!(
            svg,
            r#"<line class="spark-target" x1="0" y1="{ty:.1}" x2="{WIDTH}" y2="{ty:.1}"/>"#
        );
    }
    let _ = write!(svg, r#"<path class="spark-line" d="{path}"/>"#);
    if let Some((px, py)) = last {
        let _ = write!(
            svg,
            r#"<circle class="spark-last" cx="{px:.1}" cy="{py:.1}" r="2.5"/>"#
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// A bar for `value` on a scale from zero (or the lowest of the two, when
/// one is negative) with a tick at `target`; the bar is marked `met` when
/// the value meets the target in the metric's better direction.
pub fn bullet(value: f64, target: f64, met: bool) -> Option<String> {
    if !value.is_finite() || !target.is_finite() {
        return None;
    }
    let lo = value.min(target).min(0.0);
    let hi = value.max(target).max(0.0) * 1.15 + f64::EPSILON;
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    let x = |v: f64| (v - lo) / (hi - lo) * WIDTH;
    let (x0, xv, xt) = (x(0.0_f64.max(lo)), x(value), x(target));
    let (left, width) = if xv >= x0 {
        (x0, xv - x0)
    } else {
        (xv, x0 - xv)
    };
    let class = if met {
        "bullet-value met"
    } else {
        "bullet-value"
    };
    Some(format!(
        concat!(
            r#"<svg class="bullet" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true" focusable="false">"#,
            r#"<rect class="bullet-range" x="0" y="3" width="{w}" height="8"/>"#,
            r#"<rect class="{class}" x="{left:.1}" y="4" width="{width:.1}" height="6"/>"#,
            r#"<rect class="bullet-target" x="{xt:.1}" y="0" width="2" height="{h}"/>"#,
            "</svg>"
        ),
        w = WIDTH,
        h = BULLET_HEIGHT,
        class = class,
        left = left,
        width = width,
        xt = (xt - 1.0).clamp(0.0, WIDTH - 2.0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_break_at_gaps_and_need_two_values() {
        assert_eq!(sparkline(&[Some(1.0)], None), None);
        assert_eq!(sparkline(&[Some(1.0), None, None], Some(2.0)), None);
        let svg = sparkline(&[Some(1.0), None, Some(3.0), Some(2.0)], Some(2.5)).expect("drawn");
        // The gap lifts the pen: two moves, one line.
        assert_eq!(svg.matches('M').count(), 2, "{svg}");
        assert!(
            svg.contains("M3.0 29.0"),
            "the lowest value sits at the bottom: {svg}"
        );
        assert!(svg.contains(r#"class="spark-target""#), "{svg}");
        assert!(!svg.contains("NaN"), "{svg}");
    }

    #[test]
    fn flat_series_are_drawn_mid_height() {
        let svg = sparkline(&[Some(5.0), Some(5.0)], None).expect("drawn");
        assert!(svg.contains("M3.0 16.0L117.0 16.0"), "{svg}");
    }

    #[test]
    fn bullets_place_value_and_target() {
        let svg = bullet(50.0, 100.0, false).expect("drawn");
        assert!(
            svg.contains(r#"class="bullet-value" x="0.0" y="4" width="52.2""#),
            "{svg}"
        );
        assert!(bullet(f64::NAN, 1.0, true).is_none());
        // A negative NPS grows leftwards from zero.
        let svg = bullet(-20.0, 30.0, false).expect("drawn");
        assert!(svg.contains(r#"x="0.0" y="4""#), "{svg}");
    }
}
