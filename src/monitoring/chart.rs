//! Charts of published series, rendered on the server as SVG: a line chart over time with its
//! target (`role="img"` named by its `<title>`, described by its `<desc>`), and compact sparklines
//! for small multiples per district (decorative beside their text). Withheld values are gaps in
//! the line. The SVG carries classes only (styled in `static/monitoring.css`; the CSP allows no
//! inline style) and scales with its `viewBox`. Every text in it is escaped here.

use std::fmt::Write;

use chrono::Datelike;

use crate::monitoring::{model::Period, publication::Point};

/// Text for SVG: element content and attribute values alike.
fn esc(text: &str) -> String {
    handlebars::html_escape(text)
}

/// Where a period sits on the time axis: its year and the share of it that had passed when the
/// period began.
fn when(p: Period) -> f64 {
    let day = p.starts_on();
    f64::from(day.year()) + f64::from(day.ordinal0()) / 366.0
}

/// A value axis with round steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

impl Scale {
    /// Round bounds and a step of 1, 2 or 5 times a power of ten, about three steps between
    /// them; `None` without values.
    pub fn around(values: impl IntoIterator<Item = f64>) -> Option<Scale> {
        let (mut lo, mut hi) = values.into_iter().filter(|v| v.is_finite()).fold(
            None,
            |acc: Option<(f64, f64)>, v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            },
        )?;
        if hi - lo < 1e-9 {
            let pad = (lo.abs() * 0.1).max(1.0);
            lo -= pad;
            hi += pad;
        }
        let raw = (hi - lo) / 3.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|f| f * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        let lo_was_positive = lo >= 0.0;
        let mut lo = (lo / step).floor() * step;
        if lo_was_positive && lo < 0.0 {
            lo = 0.0;
        }
        Some(Scale {
            lo,
            hi: (hi / step).ceil() * step,
            step,
        })
    }

    fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=n).map(|i| self.lo + self.step * i as f64).collect()
    }
}

/// The box a chart draws into, in `viewBox` units.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    from: f64,
    to: f64,
    scale: Scale,
}

impl Frame {
    fn x(&self, p: Period) -> f64 {
        if self.to - self.from < 1e-9 {
            return (self.left + self.right) / 2.0;
        }
        self.left + (when(p) - self.from) / (self.to - self.from) * (self.right - self.left)
    }

    fn y(&self, v: f64) -> f64 {
        self.bottom
            - (v - self.scale.lo) / (self.scale.hi - self.scale.lo) * (self.bottom - self.top)
    }

    /// The line through the published points, broken where a value is withheld, and the
    /// points that stand alone (a line needs two).
    fn line(&self, points: &[Point]) -> (String, Vec<(f64, f64)>) {
        let mut d = String::new();
        let mut alone = Vec::new();
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut flush = |run: &mut Vec<(f64, f64)>, d: &mut String| {
            match run.as_slice() {
                [] => {}
                [one] => alone.push(*one),
                [first, rest @ ..] => {
                    let _ = write!(d, "M{:.0} {:.0}", first.0, first.1);
                    for (x, y) in rest {
                        let _ = write!(d, "L{x:.0} {y:.0}");
                    }
                }
            }
            run.clear();
        };
        for p in points {
            match p.value {
                Some(v) => run.push((self.x(p.period), self.y(v))),
                None => flush(&mut run, &mut d),
            }
        }
        flush(&mut run, &mut d);
        (d, alone)
    }
}

/// A line chart of one series with its target.
pub struct LineChart<'a> {
    pub title: &'a str,
    pub desc: &'a str,
    pub points: &'a [Point],
    pub target: Option<(Period, f64)>,
    pub target_label: &'a str,
    /// A value as the axis labels it (with its unit).
    pub label: &'a dyn Fn(f64) -> String,
}

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 190.0;

/// The SVG of `chart`: value grid with labels, time labels, the line (gaps where withheld), the
/// newest point, and a dashed line from it to the target.
pub fn line_chart(chart: &LineChart) -> String {
    let values = chart.points.iter().filter_map(|p| p.value);
    let scale = Scale::around(values.chain(chart.target.map(|t| t.1)));
    let periods: Vec<Period> = chart
        .points
        .iter()
        .map(|p| p.period)
        .chain(chart.target.map(|t| t.0))
        .collect();
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"><title>{title}</title><desc>{desc}</desc>"#,
        title = esc(chart.title),
        desc = esc(chart.desc),
    );
    let (Some(scale), Some(first), Some(last)) = (
        scale,
        periods.iter().min().copied(),
        periods.iter().max().copied(),
    ) else {
        svg.push_str("</svg>");
        return svg;
    };
    let frame = Frame {
        left: 58.0,
        right: WIDTH - 16.0,
        top: 14.0,
        bottom: HEIGHT - 30.0,
        from: when(first),
        to: when(last),
        scale,
    };
    let mut grid = String::new();
    for tick in scale.ticks() {
        let y = frame.y(tick);
        let _ = write!(grid, "M{:.0} {y:.0}H{:.0}", frame.left, frame.right);
        let _ = write!(
            svg,
            r#"<text class="yl" x="{:.0}" y="{:.0}">{}</text>"#,
            frame.left - 6.0,
            y + 4.0,
            esc(&(chart.label)(tick))
        );
    }
    let _ = write!(svg, r#"<path class="grid" d="{grid}"/>"#);
    let mut labelled: Vec<f64> = Vec::new();
    let latest = chart
        .points
        .iter()
        .rev()
        .find_map(|p| p.value.map(|v| (p.period, v)));
    let marks = [Some(first), latest.map(|l| l.0), chart.target.map(|t| t.0)];
    for p in marks.into_iter().flatten() {
        let x = frame.x(p);
        if labelled.iter().any(|l| (l - x).abs() < 44.0) {
            continue;
        }
        labelled.push(x);
        let _ = write!(
            svg,
            r#"<text class="xl" x="{x:.0}" y="{:.0}">{}</text>"#,
            HEIGHT - 8.0,
            esc(&p.to_string())
        );
    }
    let (d, alone) = frame.line(chart.points);
    if !d.is_empty() {
        let _ = write!(svg, r#"<path class="line" d="{d}"/>"#);
    }
    for (x, y) in alone {
        let _ = write!(
            svg,
            r#"<circle class="dot" cx="{x:.0}" cy="{y:.0}" r="4"/>"#
        );
    }
    if let Some((period, value)) = latest {
        let (x, y) = (frame.x(period), frame.y(value));
        let _ = write!(
            svg,
            r#"<circle class="dot" cx="{x:.0}" cy="{y:.0}" r="4"/>"#
        );
        if let Some((tp, tv)) = chart.target.filter(|t| t.0 > period) {
            let (tx, ty) = (frame.x(tp), frame.y(tv));
            let _ = write!(
                svg,
                r#"<path class="to-target" d="M{x:.0} {y:.0}L{tx:.0} {ty:.0}"/>"#
            );
        }
    }
    if let Some((tp, tv)) = chart.target {
        let (tx, ty) = (frame.x(tp), frame.y(tv));
        // Above the target, ending at its right edge; below it when there is no room above.
        let label_y = if ty - 10.0 < frame.top + 4.0 {
            ty + 20.0
        } else {
            ty - 10.0
        };
        let _ = write!(
            svg,
            r#"<circle class="target" cx="{tx:.0}" cy="{ty:.0}" r="5"/><text class="tl" x="{:.0}" y="{label_y:.0}">{}</text>"#,
            tx + 6.0,
            esc(chart.target_label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The shared axes of a set of sparklines: all periods and values of all of them, so the
/// small multiples compare at a glance.
pub struct SparkAxes {
    frame: Frame,
}

impl SparkAxes {
    pub fn of<'a>(series: impl IntoIterator<Item = &'a [Point]>) -> Option<SparkAxes> {
        let all: Vec<&Point> = series.into_iter().flatten().collect();
        let scale = Scale::around(all.iter().filter_map(|p| p.value))?;
        let first = all.iter().map(|p| p.period).min()?;
        let last = all.iter().map(|p| p.period).max()?;
        Some(SparkAxes {
            frame: Frame {
                left: 3.0,
                right: 97.0,
                top: 3.0,
                bottom: 29.0,
                from: when(first),
                to: when(last),
                scale,
            },
        })
    }

    /// A sparkline of `points`: decorative (the text beside it says what it shows).
    pub fn sparkline(&self, points: &[Point]) -> String {
        let (d, alone) = self.frame.line(points);
        let mut svg =
            String::from(r#"<svg class="spark" viewBox="0 0 100 32" aria-hidden="true">"#);
        if !d.is_empty() {
            let _ = write!(svg, r#"<path d="{d}"/>"#);
        }
        for (x, y) in alone {
            let _ = write!(svg, r#"<circle cx="{x:.0}" cy="{y:.0}" r="2"/>"#);
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[Option<f64>]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                period: Period::Year(2015 + i as i32),
                value: *v,
            })
            .collect()
    }

    #[test]
    fn scales_have_round_steps() {
        let s = Scale::around([11.8, 14.2, 10.0]).unwrap_or_else(|| panic!("a scale"));
        assert_eq!((s.lo, s.hi, s.step), (10.0, 16.0, 2.0));
        let s = Scale::around([3.0]).unwrap_or_else(|| panic!("a scale"));
        assert!(s.lo <= 2.0 && s.hi >= 4.0);
        assert!(Scale::around([]).is_none());
    }

    #[test]
    fn withheld_values_are_gaps_and_text_is_escaped() {
        let label = |v: f64| format!("{v} %");
        let pts = points(&[Some(14.0), Some(13.0), None, Some(12.0), None, Some(11.0)]);
        let svg = line_chart(&LineChart {
            title: "Quote <A&B>",
            desc: "\"x\"",
            points: &pts,
            target: Some((Period::Year(2027), 10.0)),
            target_label: "Ziel",
            label: &label,
        });
        assert!(svg.contains("<title>Quote &lt;A&amp;B&gt;</title>"));
        assert!(svg.contains("&quot;x&quot;"));
        assert!(!svg.contains("style="));
        // One segment of two points, two points alone (each a dot), the newest one a dot too.
        let line = svg
            .split("class=\"line\" d=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default();
        assert_eq!(line.matches('M').count(), 1, "{line}");
        assert_eq!(svg.matches("class=\"dot\"").count(), 3);
        assert!(svg.contains("class=\"target\""));
    }

    #[test]
    fn sparklines_share_their_axes() {
        let a = points(&[Some(1.0), Some(2.0)]);
        let b = points(&[Some(10.0), None, Some(20.0)]);
        let axes = SparkAxes::of([a.as_slice(), b.as_slice()]).unwrap_or_else(|| panic!("axes"));
        let spark = axes.sparkline(&b);
        assert!(spark.contains("aria-hidden=\"true\""));
        assert_eq!(spark.matches("<circle").count(), 2, "{spark}");
    }
}
