//! Data components: live figures and charts that content pages place in
//! their Markdown, such as `{{ kpi_card("sla", channel="whatsapp") }}`.
//!
//! A content page's Markdown is first rendered as a minijinja template in
//! which each component is a function. A function checks its arguments
//! against the plan (an unknown id or argument is an error at the page's
//! line, with a "did you mean" hint), renders its macro from
//! `templates/components.html`, keeps the HTML aside and leaves a
//! placeholder in the text. The Markdown is then rendered (its own raw HTML
//! still escaped), and the placeholders are swapped for the components'
//! HTML, which thus never passes through the Markdown parser.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind, State, context};

use crate::analytics::Report;
use crate::analytics::kpi::Series;
use crate::charts::ChartView;
use crate::data::Filter;
use crate::diag::{Diagnostic, Severity, hint};
use crate::pages::{self, Markdown};
use crate::plan::Plan;

/// What the component functions read: the plan and its report.
struct Ctx {
    plan: Arc<Plan>,
    report: Arc<Report>,
    /// Per metric, each dimension and its values, for checking filters.
    dimensions: OnceLock<HashMap<String, BTreeMap<String, BTreeSet<String>>>>,
}

/// The HTML of the components placed so far on the page being rendered
/// (a render-local extension of minijinja's state).
#[derive(Debug, Default)]
struct Placed {
    html: Vec<String>,
    /// Chart ids given out so far, so that a chart placed twice gets a second id.
    ids: HashSet<String>,
    /// Per chart id asked for, the suffix it got last time (1 for the id
    /// itself), where the search for a free one resumes.
    next: HashMap<String, usize>,
}

impl Placed {
    /// `base` if no chart on the page has it yet, else `base-2`, `base-3`, …:
    /// the first one free. Ids are never given back, so every suffix up to
    /// the last one `base` got is still taken and the search resumes after
    /// it: a page of n equal charts takes n steps, not n²/2, and gets the
    /// ids a search from 1 would give (the fuzz input
    /// `tests/fuzz/corpus/content/crash-many-charts.md`).
    fn chart_id(&mut self, base: String) -> String {
        let mut n = self.next.get(&base).map_or(1, |last| last + 1);
        let suffixed = |n: usize| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        };
        let mut id = suffixed(n);
        while self.ids.contains(&id) {
            n += 1;
            id = suffixed(n);
        }
        self.ids.insert(id.clone());
        self.next.insert(base, n);
        id
    }
}

/// Placeholder delimiters: private-use characters, which Markdown leaves alone.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// The names of the components, for the docs and for hints.
pub const NAMES: &[&str] = &[
    "kpi_card",
    "trend_chart",
    "before_after",
    "okr_table",
    "nps",
    "alerts",
    "audit_gaps",
];

/// A component placed with the id of what it shows: `kpi_card("sla")`.
type WithId = fn(&Ctx, &mut State, String, Kwargs) -> Result<Value, Error>;

/// A component of the whole plan, with keyword arguments only: `nps()`.
type WithoutId = fn(&Ctx, &mut State, Kwargs) -> Result<Value, Error>;

/// The components that take an id, by the name a page calls them by; with
/// [`WITHOUT_ID`], all of [`NAMES`].
const WITH_ID: &[(&str, WithId)] = &[
    ("kpi_card", kpi_card),
    ("trend_chart", trend_chart),
    ("before_after", before_after),
    ("okr_table", okr_table),
    ("audit_gaps", audit_gaps),
];
/// The components that take no id.
const WITHOUT_ID: &[(&str, WithoutId)] = &[("nps", nps), ("alerts", alerts)];

/// Adds the component functions to `env`.
pub fn register(env: &mut Environment<'static>, plan: Arc<Plan>, report: Arc<Report>) {
    let ctx = Arc::new(Ctx {
        plan,
        report,
        dimensions: OnceLock::new(),
    });
    for &(name, component) in WITH_ID {
        let c = Arc::clone(&ctx);
        env.add_function(name, move |state: &mut State, id: String, kw: Kwargs| {
            component(&c, state, id, kw)
        });
    }
    for &(name, component) in WITHOUT_ID {
        let c = Arc::clone(&ctx);
        env.add_function(name, move |state: &mut State, kw: Kwargs| {
            component(&c, state, kw)
        });
    }
}

/// `kpi_card("sla", channel="whatsapp")`: a metric's card, for a part of the operation if given.
fn kpi_card(c: &Ctx, state: &mut State, id: String, kw: Kwargs) -> Result<Value, Error> {
    let (metric, filter, series) = c.series("kpi_card", &id, &kw)?;
    let mut card = pages::kpis::card_of(metric, &series);
    if !filter.is_empty() {
        card.name = format!("{} ({})", card.name, pages::filter_text(&filter));
    }
    place(state, "kpi_card", &card)
}

/// `trend_chart("sla", channel="voice")`: a metric's trend over time.
fn trend_chart(c: &Ctx, state: &mut State, id: String, kw: Kwargs) -> Result<Value, Error> {
    let (metric, filter, series) = c.series("trend_chart", &id, &kw)?;
    let mut chart = pages::charts::trend(&c.plan, &c.report, metric, &filter, &series);
    unique(state, chart.as_mut());
    place(state, "chart", &chart)
}

/// `before_after("whatsapp-faq-bot", metric="sla", version="2.0")`: the comparisons
/// around a flow version, an experiment or an initiative.
fn before_after(c: &Ctx, state: &mut State, id: String, kw: Kwargs) -> Result<Value, Error> {
    takes("before_after", &kw, &["metric", "version"])?;
    let metric: Option<String> = kw.get("metric")?;
    let version: Option<String> = kw.get("version")?;
    let all = &c.report.comparisons;
    if !all.iter().any(|x| x.subject_id == id) {
        let subjects: BTreeSet<&str> = all.iter().map(|x| x.subject_id.as_str()).collect();
        return Err(invalid(format!(
            "before_after: no flow, experiment or initiative `{id}` has a before/after comparison{}",
            hint(&id, subjects)
        )));
    }
    let mut views: Vec<_> = all
        .iter()
        .filter(|x| x.subject_id == id)
        .filter(|x| metric.as_ref().is_none_or(|m| x.metric == *m))
        .filter(|x| version.is_none() || x.version == version)
        .map(|x| pages::compare::view(&c.plan, x))
        .collect();
    for view in &mut views {
        unique(state, view.chart.as_mut());
    }
    if views.is_empty() {
        return Err(invalid(format!(
            "before_after: `{id}` has no comparison with that metric and version"
        )));
    }
    place(state, "before_after", &views)
}

/// `okr_table("2026-h1")`: an OKR period's objectives and key results.
fn okr_table(c: &Ctx, state: &mut State, id: String, kw: Kwargs) -> Result<Value, Error> {
    takes("okr_table", &kw, &[])?;
    let okrs = &c.plan.data.okrs;
    let Some(period) = okrs.iter().find(|p| p.id == id) else {
        return Err(invalid(format!(
            "okr_table: no OKR period `{id}`{}",
            hint(&id, okrs.iter().map(|p| p.id.as_str()))
        )));
    };
    let view = context! {
        period => serde_value(&pages::okrs::summary(&c.report, period)),
        objectives => serde_value(&pages::okrs::objectives(&c.plan, &c.report, period)),
    };
    place(state, "okr_table", &view)
}

/// `nps()` or `nps(segment="channel")`: NPS by period, or by a segment of the responses.
fn nps(c: &Ctx, state: &mut State, kw: Kwargs) -> Result<Value, Error> {
    takes("nps", &kw, &["segment"])?;
    let segment: Option<String> = kw.get("segment")?;
    let mut chart = match &segment {
        None => pages::charts::nps_periods(&c.plan, &c.report),
        Some(s) => {
            let segments = &c.report.voc.segments;
            if !segments.iter().any(|(d, _)| d == s) {
                return Err(invalid(format!(
                    "nps: the survey responses have no segment `{s}`{}",
                    one_of(s, segments.iter().map(|(d, _)| d.as_str()))
                )));
            }
            pages::charts::nps_segment(&c.plan, &c.report, s)
        }
    };
    unique(state, chart.as_mut());
    place(state, "chart", &chart)
}

/// `alerts()` or `alerts(severity="critical")`: the alerts that fire.
fn alerts(c: &Ctx, state: &mut State, kw: Kwargs) -> Result<Value, Error> {
    takes("alerts", &kw, &["severity"])?;
    let severity: Option<String> = kw.get("severity")?;
    let mut view = pages::alerts::view(&c.plan, &c.report);
    match severity.as_deref() {
        None => {}
        Some(s @ ("critical" | "warning")) => view.alerts.retain(|a| a.severity.as_str() == s),
        Some(s) => {
            return Err(invalid(format!(
                "alerts: severity must be `critical` or `warning`, not `{s}`"
            )));
        }
    }
    place(state, "alerts", &view)
}

/// `audit_gaps("2026-q1")`: an audit's findings and the gap of each to its target.
fn audit_gaps(c: &Ctx, state: &mut State, id: String, kw: Kwargs) -> Result<Value, Error> {
    takes("audit_gaps", &kw, &[])?;
    let audits = &c.plan.data.audits;
    let Some(audit) = audits.iter().find(|a| a.id == id) else {
        return Err(invalid(format!(
            "audit_gaps: no audit `{id}`{}",
            hint(&id, audits.iter().map(|a| a.id.as_str()))
        )));
    };
    let findings: Vec<_> = c
        .report
        .findings(audit)
        .map(|(f, r)| pages::audits::finding_view(f, r))
        .collect();
    let view = context! {
        audit => serde_value(&pages::audits::summary(&c.report, audit)),
        findings => serde_value(&findings),
        chart => serde_value(&{
            let mut chart = pages::charts::audit_gaps(&c.plan, &c.report, audit);
            unique(state, chart.as_mut());
            chart
        }),
    };
    place(state, "audit_gaps", &view)
}

impl Ctx {
    /// The metric `id` and its series for the filter in `kw` (dimension = value).
    fn series(
        &self,
        component: &str,
        id: &str,
        kw: &Kwargs,
    ) -> Result<(&crate::data::Metric, Filter, Series), Error> {
        let data = &self.plan.data;
        let Some(metric) = data.metric(id) else {
            return Err(invalid(format!(
                "{component}: no metric `{id}` in data/metrics.toml{}",
                hint(id, data.metrics.iter().map(|m| m.id.as_str()))
            )));
        };
        let dims = self.dimensions.get_or_init(|| data.kpis.dimension_values());
        let known = dims.get(id);
        let mut filter = Filter::new();
        for key in kw.args() {
            let value: String = kw.get(key)?;
            let Some(values) = known.and_then(|d| d.get(key)) else {
                let names = known.into_iter().flat_map(|d| d.keys().map(String::as_str));
                return Err(invalid(format!(
                    "{component}: metric `{id}` has no dimension `{key}`{}",
                    hint(key, names)
                )));
            };
            if !values.contains(&value) {
                return Err(invalid(format!(
                    "{component}: no `{key}` = `{value}` in the data of `{id}`{}",
                    one_of(&value, values.iter().map(String::as_str))
                )));
            }
            filter.insert(key.to_owned(), value);
        }
        let points = crate::analytics::kpi::points_for(
            &self.report.kpis,
            &data.kpis,
            metric,
            &filter,
            self.report.trend,
            self.report.as_of,
        );
        Ok((
            metric,
            filter,
            Series::new(points.into_owned(), metric, self.report.as_of),
        ))
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

/// Refuses keyword arguments the component does not take.
fn takes(component: &str, kw: &Kwargs, allowed: &[&str]) -> Result<(), Error> {
    for arg in kw.args() {
        if !allowed.contains(&arg) {
            let list = if allowed.is_empty() {
                "no keyword arguments".to_owned()
            } else {
                format!("only {}", quoted(allowed.iter().copied()))
            };
            return Err(invalid(format!(
                "{component}: unknown argument `{arg}`{}; it takes {list}",
                hint(arg, allowed.iter().copied())
            )));
        }
    }
    Ok(())
}

/// "; did you mean `x`?" when one is close, else the values to choose from.
fn one_of<'a>(word: &str, candidates: impl Iterator<Item = &'a str> + Clone) -> String {
    let close = hint(word, candidates.clone());
    if close.is_empty() {
        format!("; the values are {}", quoted(candidates.take(12)))
    } else {
        close
    }
}

fn quoted<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many components one content page may place, counting every render
/// of it: a page is rendered again for each failing call (see [`render`]),
/// so 50 mistakes among 10,000 calls cost half a million charts, 42 s (a
/// fuzz finding, `tests/fuzz/corpus/content/crash-many-failing-calls.md`).
/// A real page places tens.
const MAX_PLACED: usize = 2_000;

thread_local! {
    /// Components placed so far for the page this thread renders, over
    /// every render of it: a page is rendered on one thread from start to end.
    static PLACED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Renders the component's macro and leaves a placeholder for it.
fn place(state: &mut State, name: &str, view: &impl serde::Serialize) -> Result<Value, Error> {
    let spent = PLACED.with(|n| n.replace(n.get() + 1));
    if spent >= MAX_PLACED {
        return Err(invalid(format!(
            "this page places more than {MAX_PLACED} components, counting the renders that \
             find each problem: fix the problems reported above it, or place fewer"
        )));
    }
    let site = state.lookup("site").unwrap_or_default();
    let tmpl = state.env().get_template("components.html")?;
    let mut macros = tmpl.render_captured(context! { site })?;
    let html = macros.with_state_mut(|s| s.call_macro(name, &[serde_value(view)]))?;
    let placed = state.get_or_insert_extension_with(Placed::default);
    placed.html.push(html);
    // Only the mark: the page keeps its lines, so an error can name the right one.
    Ok(Value::from(format!(
        "{OPEN}{}{CLOSE}",
        placed.html.len() - 1
    )))
}

/// Gives a chart placed a second time on a page an id of its own
/// (`chart-trend-sla-2`), since ids must be unique and each canvas names its option by id.
fn unique(state: &mut State, chart: Option<&mut ChartView>) {
    let Some(chart) = chart else { return };
    let placed = state.get_or_insert_extension_with(Placed::default);
    chart.id = placed.chart_id(std::mem::take(&mut chart.id));
}

fn serde_value(view: &impl serde::Serialize) -> Value {
    Value::from(minijinja::value::Serde(view))
}

/// A content page's HTML: its Markdown rendered with its components placed.
/// `env` must have the components registered. `raw_html` lets the page's
/// own HTML through (see [`crate::content::markdown_with`]). `page` is
/// where the page is published: its links to the site's pages and files
/// ([`crate::url::resolve`]) are written relative to it, and a link to a
/// path `known` does not have is a problem at its place.
pub fn render(
    env: &Environment<'static>,
    md: &Markdown,
    page: &str,
    site: &Value,
    raw_html: bool,
    known: &std::collections::BTreeSet<String>,
) -> Result<String, Vec<Diagnostic>> {
    let (text, placed, mut problems) = evaluate(env, md, site)?;
    let (html, used) = place_all(md, &text, &placed, page, raw_html, known, &mut problems);
    strays(md, &text, &used, &mut problems);
    if problems.is_empty() {
        Ok(html)
    } else {
        Err(problems)
    }
}

/// The page's body with its component calls evaluated: the text, each call
/// a mark, and the HTML of each mark, with the problems of the calls that
/// failed. `Err` when the body cannot be read past a problem.
fn evaluate(
    env: &Environment<'static>,
    md: &Markdown,
    site: &Value,
) -> Result<(String, Vec<String>, Vec<Diagnostic>), Vec<Diagnostic>> {
    PLACED.with(|n| n.set(0));
    let mut env = env.clone();
    // A page is text with components, not a program: loops in loops
    // (`{% for %}` over `range(10000)` twice) would hang a CI job.
    env.set_fuel(Some(FUEL));
    let mut source = template_source(&md.body);
    if let Some(offset) = oversized_tag(&source) {
        return Err(vec![error_at(
            md,
            file_position(md, &source, offset),
            format!(
                "this tag is longer than {MAX_TAG} characters, or not closed: a component call is a short line such as {{{{ kpi_card(\"sla\") }}}}"
            ),
        )]);
    }
    let mut problems = Vec::new();
    // Rendering stops at the first failing call; to report every one, each
    // failing call is blanked out (keeping the lines and columns of the rest)
    // and the page rendered again. A syntax error ends it: what follows
    // cannot be read.
    // Each render parses the page again: a 3 MB page of failing calls
    // took 4.5 s over its 50 renders (a fuzz finding). Past this many
    // bytes read again, the problems found so far are the report.
    let mut reread = MAX_REREAD;
    loop {
        let attempt = env
            .add_template_owned(md.source.clone(), source.clone())
            .and_then(|()| env.get_template(&md.source))
            .and_then(|tmpl| tmpl.render_captured(context! { site => site.clone() }));
        let e = match attempt {
            Ok(mut rendered) => {
                let placed = rendered.with_state_mut(|s| {
                    s.get_extension_mut::<Placed>()
                        .map(|p| std::mem::take(&mut p.html))
                        .unwrap_or_default()
                });
                return Ok((rendered.into_output(), placed, problems));
            }
            Err(e) => e,
        };
        problems.push(page_error(md, &source, &e));
        reread = reread.saturating_sub(source.len());
        let call = e
            .range()
            .filter(|r| r.end <= source.len() && r.start < r.end);
        match call {
            Some(r)
                if !matches!(e.kind(), ErrorKind::SyntaxError | ErrorKind::OutOfFuel)
                    && problems.len() < MAX_PROBLEMS
                    && PLACED.with(|n| n.get()) <= MAX_PLACED
                    && reread > 0 =>
            {
                // Not `format!("{:<width$}")`: a width past u16 panics.
                let mut filler = String::from("\"\"");
                filler.extend(std::iter::repeat_n(' ', r.len().saturating_sub(2)));
                source.replace_range(r, &filler);
            }
            _ => return Err(problems),
        }
    }
}

/// The evaluated `text` as HTML, each mark that stands between paragraphs
/// replaced by its component's HTML (`placed`), and its links written
/// relative to `page`; with which marks were placed. A link to a path
/// `known` does not have is a problem.
fn place_all(
    md: &Markdown,
    text: &str,
    placed: &[String],
    page: &str,
    raw_html: bool,
    known: &std::collections::BTreeSet<String>,
    problems: &mut Vec<Diagnostic>,
) -> (String, Vec<bool>) {
    let used = std::cell::RefCell::new(vec![false; placed.len()]);
    // The folder of the page's file in the site: `plan/` for `content/plan/diagnosis.md`.
    let dir = md
        .source
        .strip_prefix("content/")
        .and_then(|s| s.rsplit_once('/'))
        .map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let mut broken = Vec::new();
    let html = crate::content::markdown_with(
        text,
        raw_html,
        |t| {
            let n: usize = t.strip_prefix(OPEN)?.strip_suffix(CLOSE)?.parse().ok()?;
            let html = placed.get(n)?;
            used.borrow_mut()[n] = true;
            Some(html.as_str())
        },
        |dest, at| match crate::url::resolve(page, &dir, dest, |p| known.contains(p))? {
            Ok(link) => Some(link),
            Err(path) => {
                broken.push((at, dest.to_owned(), path));
                None
            }
        },
    );
    for (at, dest, path) in broken.into_iter().take(MAX_PROBLEMS) {
        let message = format!(
            "`{dest}` points to /{path}, which is neither a page of the site nor a file it \
             copies: a file must be beside the page or in the plan's static/ folder"
        );
        problems.push(error_at(md, file_position(md, text, at), message));
    }
    (html, used.into_inner())
}

/// A problem for each component that did not stand between paragraphs (in
/// a list item, a table cell, mid-sentence) and so was not placed: say
/// where, not show a stray mark. Within the page's cap, like the failing
/// calls: a loop can place 20,000 of them
/// (`tests/fuzz/corpus/content/crash-stray-components.md`).
fn strays(md: &Markdown, text: &str, used: &[bool], problems: &mut Vec<Diagnostic>) {
    let room = MAX_PROBLEMS.saturating_sub(problems.len());
    if room == 0 || !used.contains(&false) {
        return;
    }
    let lines = placeholder_lines(text, used.len());
    let strays = used.iter().zip(lines).filter(|(used, _)| !**used);
    for (_, line) in strays.take(room) {
        // A mark the text does not show (a component kept in a `set` and
        // never printed) is reported at the body's start.
        let at = (md.line + line.unwrap_or(0), 1);
        let message = "a component must stand on a line of its own, between paragraphs";
        problems.push(error_at(md, at, message.into()));
    }
}

/// An error in the content page `md`, at a line and column of its file.
fn error_at(md: &Markdown, (line, column): (usize, usize), message: String) -> Diagnostic {
    Diagnostic {
        file: md.source.clone(),
        line,
        column,
        severity: Severity::Error,
        message,
    }
}

/// How many problems one page reports at most.
const MAX_PROBLEMS: usize = 50;

/// How many bytes of a page may be parsed again to find its next problem.
const MAX_REREAD: usize = 4 << 20;

/// The template work one content page may do, in minijinja's instructions:
/// a page that loops over a few thousand items is well inside it, and it is
/// spent in a fraction of a second.
const FUEL: u64 = 1_000_000;

/// For each of the first `count` placeholders, the line (from 0) of `text`
/// it first appears on, if it does. One pass over the text, counting lines
/// as it goes: looking each mark up from the start took as many passes as
/// marks. Only a mark as `place` writes it counts (`{OPEN}12{CLOSE}`, not
/// `{OPEN}012{CLOSE}`), so this finds what searching for each mark would.
fn placeholder_lines(text: &str, count: usize) -> Vec<Option<usize>> {
    let mut lines = vec![None; count];
    let (mut line, mut counted) = (0, 0);
    for (at, _) in text.match_indices(OPEN) {
        line += text[counted..at].matches('\n').count();
        counted = at;
        let rest = &text[at + OPEN.len_utf8()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let number = &rest[..digits];
        if !rest[digits..].starts_with(CLOSE) || (number.starts_with('0') && number != "0") {
            continue;
        }
        if let Ok(n) = number.parse::<usize>()
            && let Some(slot @ None) = lines.get_mut(n)
        {
            *slot = Some(line);
        }
    }
    lines
}

/// The page's Markdown as a template: `{#` starts a heading's id in Markdown
/// (`## Service levels {#sla}`), not a template comment, and the
/// placeholder characters are the components' alone.
fn template_source(body: &str) -> String {
    body.replace([OPEN, CLOSE], "")
        .replace("{#", "{{ \"{#\" }}")
}

/// The line and column in the file of an offset in the page's body.
fn file_position(md: &Markdown, source: &str, offset: usize) -> (usize, usize) {
    let before = source.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        md.line + before.matches('\n').count(),
        before[line_start..].chars().count() + 1,
    )
}

/// A tag longer than this is refused before it is parsed: minijinja's
/// parser recurses into nested expressions, and `{{ - - - … }}` a million
/// signs long would overflow the stack. No real component call comes near.
const MAX_TAG: usize = 2048;

/// The offset of the first `{{ … }}` or `{% … %}` longer than [`MAX_TAG`]
/// (or not closed before that), if there is one.
fn oversized_tag(source: &str) -> Option<usize> {
    let mut at = 0;
    while let Some(i) = source[at..].find('{') {
        let start = at + i;
        let rest = &source[start..];
        let close = match rest.as_bytes().get(1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => {
                at = start + 1;
                continue;
            }
        };
        let len = rest[2..].find(close).map_or(rest.len(), |end| end + 4);
        if len > MAX_TAG {
            return Some(start);
        }
        at = start + len;
    }
    None
}

/// A problem in a content page's body, at its line and column of the file
/// (`source` is the body as a template: the same lines as the file's).
fn page_error(md: &Markdown, source: &str, e: &Error) -> Diagnostic {
    let mut message = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_owned);
    if e.kind() == ErrorKind::OutOfFuel {
        message = format!(
            "the page's template code does too much work (more than {FUEL} steps): \
             look for a loop inside a loop, or a very long one"
        );
    }
    if e.kind() == ErrorKind::UnknownFunction {
        let name = message
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        let close = hint(&name, NAMES.iter().copied());
        message = if close.is_empty() {
            format!(
                "unknown component `{name}`; the components are {}",
                quoted(NAMES.iter().copied())
            )
        } else {
            format!("unknown component `{name}`{close}")
        };
    }
    let (line, column) = match e.range().filter(|r| r.start <= source.len()) {
        Some(r) => file_position(md, source, r.start),
        None => (md.line + e.line().unwrap_or(1) - 1, 1),
    };
    error_at(md, (line, column), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_component_is_registered_under_its_name() {
        let registered: BTreeSet<&str> = WITH_ID
            .iter()
            .map(|(n, _)| *n)
            .chain(WITHOUT_ID.iter().map(|(n, _)| *n))
            .collect();
        assert_eq!(registered, NAMES.iter().copied().collect());
    }

    #[test]
    fn tags_too_long_to_parse_safely_are_found() {
        assert_eq!(
            oversized_tag("{{ kpi_card(\"sla\") }} {% if x %}y{% endif %} {x}"),
            None
        );
        let deep = format!("ok {{{{ 1 {}1 }}}}", "- ".repeat(MAX_TAG));
        assert_eq!(oversized_tag(&deep), Some(3));
        let open = format!("{{% if {}", "x".repeat(MAX_TAG));
        assert_eq!(oversized_tag(&open), Some(0));
        // Just under the limit, and a lone `{` at the very end.
        let fits = format!("{{{{{}}}}} {{", " ".repeat(MAX_TAG - 4));
        assert_eq!(oversized_tag(&fits), None);
    }

    /// What `unique` did before it remembered suffixes: the first free id
    /// counting from 1 every time.
    fn search_from_one(ids: &mut HashSet<String>, base: &str) -> String {
        let mut n = 1;
        let mut id = base.to_owned();
        while !ids.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        id
    }

    #[test]
    fn chart_ids_are_the_first_free_ones() {
        // Repeats, and ids that take another chart's next suffix.
        let bases = ["a", "a", "a-3", "a", "a", "b", "a-2", "a", "a-2", "b"];
        let mut placed = Placed::default();
        let got: Vec<String> = bases.iter().map(|b| placed.chart_id((*b).into())).collect();
        assert_eq!(
            got,
            [
                "a", "a-2", "a-3", "a-4", "a-5", "b", "a-2-2", "a-6", "a-2-3", "b-2"
            ]
        );
        let mut ids = HashSet::new();
        let expected: Vec<String> = bases.iter().map(|b| search_from_one(&mut ids, b)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn many_equal_charts_get_numbered_ids() {
        let mut placed = Placed::default();
        let last = (0..20_000)
            .map(|_| placed.chart_id("chart-nps".into()))
            .last();
        assert_eq!(last.as_deref(), Some("chart-nps-20000"));
        assert_eq!(placed.ids.len(), 20_000);
    }

    #[test]
    fn placeholder_lines_find_each_first_mark() {
        let text = format!(
            "{OPEN}1{CLOSE}\n\n- {OPEN}3{CLOSE} {OPEN}1{CLOSE}\n{OPEN}03{CLOSE}{OPEN}{CLOSE}\
             {OPEN}9{CLOSE}{OPEN}x\n\n{OPEN}0{CLOSE}{OPEN}99999999999999999999999{CLOSE}"
        );
        assert_eq!(
            placeholder_lines(&text, 5),
            [Some(5), Some(0), None, Some(2), None]
        );
        // The same as looking each mark up from the start of the text.
        for (n, line) in placeholder_lines(&text, 12).into_iter().enumerate() {
            let found = text.find(&format!("{OPEN}{n}{CLOSE}"));
            assert_eq!(
                line,
                found.map(|at| text[..at].matches('\n').count()),
                "{n}"
            );
        }
    }

    /// A plan whose only content page has `body`, from `tests/fixtures/minimal`.
    fn problems_of(body: &str) -> Vec<Diagnostic> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        let (mut plan, diags) = crate::load(&root).expect("the fixture loads");
        assert!(
            diags.iter().all(|d| d.severity != Severity::Error),
            "{diags:?}"
        );
        plan.pages = vec![crate::content::Page {
            source: "content/stray.md".into(),
            url: "stray/".into(),
            title: "Stray".into(),
            description: None,
            weight: 0,
            draft: false,
            body: body.into(),
            body_line: 3,
        }];
        let (_, problems) = crate::render(plan, &crate::Silent).expect("no I/O fails");
        problems
    }

    #[test]
    fn stray_components_are_reported_at_their_lines_up_to_the_cap() {
        let body = "Intro\n\n{% for i in range(80) %}- {{ kpi_card(\"sla\") }}\n{% endfor %}";
        let problems = problems_of(body);
        assert_eq!(problems.len(), MAX_PROBLEMS);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, (5..5 + MAX_PROBLEMS).collect::<Vec<_>>());
        assert!(
            problems
                .iter()
                .all(|p| p.file == "content/stray.md" && p.column == 1)
        );
    }
}
