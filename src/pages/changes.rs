//! `/changes/`: the plan's own history, every commit that changed `data/`,
//! newest first, with the files it touched.

use serde::Serialize;

use super::PageView;
use crate::changes::Item;
use crate::git::{Availability, ChangeKind};
use crate::plan::Plan;
use crate::url;

#[derive(Serialize)]
struct View {
    availability: Availability,
    commits: Vec<CommitView>,
}

#[derive(Serialize)]
struct CommitView {
    id: String,
    short: String,
    date: String,
    author: String,
    subject: String,
    pull_request: Option<u32>,
    files: Vec<FileView>,
    boundary: bool,
    merge: bool,
}

#[derive(Serialize)]
struct FileView {
    path: String,
    kind: ChangeKind,
    items: Vec<Item>,
}

pub fn page(plan: &Plan) -> PageView {
    let history = &plan.history;
    let view = View {
        availability: history.availability,
        commits: history
            .commits
            .iter()
            .map(|c| CommitView {
                id: c.id.clone(),
                short: c.short.clone(),
                date: c.date.to_string(),
                author: c.author.clone(),
                subject: c.subject.clone(),
                pull_request: c.pull_request,
                files: c
                    .files
                    .iter()
                    .map(|f| FileView {
                        path: f.path.clone(),
                        kind: f.kind,
                        items: f.items.clone(),
                    })
                    .collect(),
                boundary: c.boundary,
                merge: c.merge,
            })
            .collect(),
    };
    PageView::new(
        url::CHANGES,
        "changes.html",
        plan.catalog.t("Changes", &[]),
        &view,
    )
}
