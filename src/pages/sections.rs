//! The plan's own pages grouped by folder. Each folder of `content/` is a
//! section with a page that lists what it holds (its `index.md`, or one
//! made for it), and the navigation names only the top level: a plan of a
//! thousand pages gets a bar of a dozen links, not a thousand links on each
//! of its thousand pages.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::content::Page;

/// A page or section in a list: the navigation or a section's page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub title: String,
    pub url: String,
    pub description: Option<String>,
    /// Where it goes in a list: lower first, then by title.
    #[serde(skip)]
    pub weight: i64,
}

/// A folder of `content/`, by its URL (`teams/voice/`; empty for `content/` itself).
#[derive(Debug, Default)]
struct Folder<'p> {
    /// The page published at the folder's own URL (`index.md`), if any.
    index: Option<&'p Page>,
    pages: Vec<&'p Page>,
    folders: BTreeSet<String>,
}

/// The sections of a plan's published pages (not drafts, not the home page's
/// introduction).
#[derive(Debug)]
pub struct Sections<'p> {
    folders: BTreeMap<String, Folder<'p>>,
}

/// A section that has no `index.md`, whose page is made from its list.
#[derive(Debug, PartialEq)]
pub struct Generated {
    pub url: String,
    pub title: String,
    pub entries: Vec<Entry>,
}

impl<'p> Sections<'p> {
    pub fn new(pages: &'p [Page]) -> Self {
        let mut folders: BTreeMap<String, Folder<'p>> = BTreeMap::new();
        folders.insert(String::new(), Folder::default());
        let published = pages.iter().filter(|p| !p.draft && !p.url.is_empty());
        for page in published.clone() {
            let mut folder = parent(&page.url);
            folders
                .entry(folder.to_owned())
                .or_default()
                .pages
                .push(page);
            while !folder.is_empty() {
                let up = parent(folder);
                let new = folders
                    .entry(up.to_owned())
                    .or_default()
                    .folders
                    .insert(folder.to_owned());
                if !new {
                    break;
                }
                folders.entry(folder.to_owned()).or_default();
                folder = up;
            }
        }
        for page in published {
            if let Some(folder) = folders.get_mut(&page.url) {
                folder.index = Some(page);
            }
        }
        Sections { folders }
    }

    /// The navigation's own part: the top-level pages and sections.
    pub fn top(&self) -> Vec<Entry> {
        self.entries("")
    }

    /// What a section's page lists: its pages and its sections, in order.
    pub fn entries(&self, url: &str) -> Vec<Entry> {
        let Some(folder) = self.folders.get(url) else {
            return Vec::new();
        };
        let mut out: Vec<Entry> = folder
            .pages
            .iter()
            // A section's `index.md` stands for the section.
            .filter(|p| !self.folders.contains_key(&p.url))
            .map(|p| entry(p))
            .chain(folder.folders.iter().map(|f| self.section_entry(f)))
            .collect();
        out.sort_by(|a, b| (a.weight, &a.title, &a.url).cmp(&(b.weight, &b.title, &b.url)));
        out
    }

    /// The sections without an `index.md`, which need a page made for them.
    pub fn generated(&self) -> Vec<Generated> {
        self.folders
            .iter()
            .filter(|(url, f)| !url.is_empty() && f.index.is_none())
            .map(|(url, _)| Generated {
                url: url.clone(),
                title: folder_title(url),
                entries: self.entries(url),
            })
            .collect()
    }

    fn section_entry(&self, url: &str) -> Entry {
        match self.folders.get(url).and_then(|f| f.index) {
            Some(index) => entry(index),
            None => Entry {
                title: folder_title(url),
                url: url.to_owned(),
                description: None,
                weight: 0,
            },
        }
    }
}

fn entry(page: &Page) -> Entry {
    Entry {
        title: page.title.clone(),
        url: page.url.clone(),
        description: page.description.clone(),
        weight: page.weight,
    }
}

/// `teams/voice/notes/` → `teams/voice/`; `about/` → ``.
fn parent(url: &str) -> &str {
    let trimmed = url.strip_suffix('/').unwrap_or(url);
    trimmed.rfind('/').map_or("", |i| &url[..=i])
}

/// `teams/customer-care/` → "Customer care", as a page's file name is read
/// when its front matter has no title.
fn folder_title(url: &str) -> String {
    crate::content::title_from(url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, title: &str, weight: i64) -> Page {
        Page {
            source: format!("content/{url}.md"),
            url: url.to_owned(),
            title: title.to_owned(),
            description: None,
            weight,
            draft: false,
            body: String::new(),
            body_line: 1,
        }
    }

    fn titles(entries: &[Entry]) -> Vec<(&str, &str)> {
        entries
            .iter()
            .map(|e| (e.title.as_str(), e.url.as_str()))
            .collect()
    }

    #[test]
    fn the_navigation_holds_the_top_level_only() {
        let pages = [
            page("", "Home", 0),
            page("about/", "About", 5),
            page("plan/diagnosis/", "Diagnosis", 1),
            page("plan/objectives/", "Objectives", 2),
            page("teams/voice/notes/", "Notes", 0),
            page("teams/", "Our teams", 1),
        ];
        let sections = Sections::new(&pages);
        assert_eq!(
            titles(&sections.top()),
            [
                ("Plan", "plan/"),
                ("Our teams", "teams/"),
                ("About", "about/")
            ]
        );
        assert_eq!(
            titles(&sections.entries("plan/")),
            [
                ("Diagnosis", "plan/diagnosis/"),
                ("Objectives", "plan/objectives/")
            ]
        );
        assert_eq!(
            titles(&sections.entries("teams/")),
            [("Voice", "teams/voice/")]
        );
        // `teams/` has its own page; `plan/` and `teams/voice/` get one made.
        let made: Vec<_> = sections.generated().into_iter().map(|g| g.url).collect();
        assert_eq!(made, ["plan/", "teams/voice/"]);
    }

    #[test]
    fn drafts_are_left_out() {
        let mut draft = page("plan/later/", "Later", 0);
        draft.draft = true;
        let pages = [draft];
        let sections = Sections::new(&pages);
        assert!(sections.top().is_empty());
        assert!(sections.generated().is_empty());
    }

    #[test]
    fn folder_names_read_as_titles() {
        assert_eq!(folder_title("teams/customer-care/"), "Customer care");
        assert_eq!(folder_title("ñandú_notes/"), "Ñandú notes");
        assert_eq!(parent("a/b/c/"), "a/b/");
        assert_eq!(parent("a/"), "");
    }
}
