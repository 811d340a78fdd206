//! What a before/after comparison is about, in words, and the page that
//! tells about it: shared by the comparison's view, its chart and `diff`,
//! so that none of them needs the others.

use crate::analytics::compare::{Comparison, SubjectKind};
use crate::plan::Plan;
use crate::url;

/// What changed, in words, and the page that tells about it.
pub fn of(plan: &Plan, c: &Comparison) -> (String, String) {
    let data = &plan.data;
    match c.subject_kind {
        SubjectKind::Flow => {
            let name = data
                .flows
                .iter()
                .find(|f| f.id == c.subject_id)
                .map_or(c.subject_id.as_str(), |f| f.name.as_str());
            let version = c.version.as_deref().unwrap_or_default();
            (
                plan.catalog.t(
                    "version {version} of {flow}",
                    &[("version", version), ("flow", name)],
                ),
                url::flow(&c.subject_id),
            )
        }
        SubjectKind::Experiment => {
            let found = data.sprints.iter().find_map(|s| {
                s.experiments
                    .iter()
                    .find(|e| e.id == c.subject_id)
                    .map(|e| (s, e))
            });
            match found {
                Some((s, e)) => (
                    plan.catalog
                        .t("the experiment “{title}”", &[("title", &e.title)]),
                    url::experiment(&s.id, &e.id),
                ),
                None => (c.subject_id.clone(), url::SPRINTS.to_owned()),
            }
        }
        SubjectKind::Initiative => {
            let title = data
                .initiatives
                .iter()
                .find(|i| i.id == c.subject_id)
                .map_or(c.subject_id.as_str(), |i| i.title.as_str());
            (
                plan.catalog
                    .t("the initiative “{title}”", &[("title", title)]),
                url::initiative(&c.subject_id),
            )
        }
    }
}
