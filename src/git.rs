//! The plan's history, read from the git repository that holds the plan:
//! every commit that changed `data/`, newest first, with the files it
//! added, changed or deleted there.
//!
//! The repository is read with gix rather than by running `git`: it is pure
//! Rust (no C toolchain for a CI image, no `git` binary to find), reads the
//! object database directly, and so will also let a build read any revision
//! without touching the work tree. Its API moves between releases, so it is
//! pinned in Cargo.toml and used from this module only.
//!
//! Everything here comes from the repository, never from the clock, so the
//! same repository always gives the same history. Where the history cannot
//! be read (no repository, the plan not tracked, a shallow clone), the
//! [`Availability`] says so and the pages explain how to get it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub mod flows;
mod versions;

use gix::bstr::ByteSlice as _;
use gix::revision::walk::Sorting;
use gix::traverse::commit::simple::CommitTimeOrder;
use jiff::civil::Date;

/// How much of the plan's history could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Availability {
    Full,
    /// A shallow clone: commits before its boundary are missing.
    Shallow,
    /// The plan is in no git repository.
    NoRepository,
    /// The repository has no commit with the plan's `data/` yet.
    NotTracked,
}

/// A commit that changed the plan's data.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    pub id: String,
    /// The first 8 hexadecimal digits.
    pub short: String,
    /// The author's date, in the author's own time zone.
    pub date: Date,
    pub author: String,
    pub subject: String,
    /// From "Merge pull request #12 …" or a subject ending "(#12)".
    pub pull_request: Option<u32>,
    /// Relative to the plan root (`data/okrs/2026-h2.toml`), in path order.
    pub files: Vec<FileChange>,
    /// The commit's parents are beyond a shallow clone's boundary, so its
    /// files are compared with nothing.
    pub boundary: bool,
    /// A merge: its `files` are only what it changed itself (a conflict
    /// resolved), not what the merged branch's own commits did.
    pub merge: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileChange {
    pub path: String,
    pub kind: ChangeKind,
    /// What changed in it, record by record ([`crate::changes`]).
    pub items: Vec<crate::changes::Item>,
    /// The file after the commit, parsed, for TOML files that parse (a
    /// flow's steps at each commit); CSV files and deleted files have none.
    pub toml: Option<std::sync::Arc<toml::Table>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

#[cfg(test)]
impl Commit {
    /// A commit by "Ana", subject "Commit {short}", that changed one file:
    /// for the tests of what reads the history.
    pub(crate) fn touching(short: &str, date: &str, file: FileChange) -> Commit {
        Commit {
            id: short.repeat(8),
            short: short.to_owned(),
            date: date.parse().expect("a date"),
            author: "Ana".to_owned(),
            subject: format!("Commit {short}"),
            pull_request: None,
            files: vec![file],
            boundary: false,
            merge: false,
        }
    }
}

/// The plan's history.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub availability: Availability,
    /// Newest first.
    pub commits: Vec<Commit>,
    /// The commit the history was read up to (`HEAD`, or the revision a
    /// plan was read at), in full: the commit a published report was built
    /// from, so that a later digest can say what changed since.
    pub tip: Option<String>,
}

impl History {
    /// The newest commit that changed any of `sources` (a path, or a folder
    /// ending in `/`).
    pub fn last_change(&self, sources: &[String]) -> Option<&Commit> {
        let touches = |path: &str| {
            sources
                .iter()
                .any(|s| path == s || (s.ends_with('/') && path.starts_with(s.as_str())))
        };
        self.commits
            .iter()
            .find(|c| c.files.iter().any(|f| touches(&f.path)))
    }

    fn missing(availability: Availability) -> History {
        History {
            availability,
            commits: Vec::new(),
            tip: None,
        }
    }
}

/// Reads the history of `root/data/` from the repository that contains `root`.
/// A repository that cannot be read is said as no repository: the build
/// goes on without history.
pub fn read(root: &Path) -> History {
    read_at(root, None)
}

/// The `.git` folder of the repository holding the plan, where git notes
/// every move of `HEAD` (in `logs/HEAD`): what to watch for the history to
/// change. `None` when the plan is in no repository.
pub fn git_dir(root: &Path) -> Option<PathBuf> {
    let repo = gix::discover(root).ok()?;
    Some(repo.git_dir().to_owned())
}

/// The commit `HEAD` names, in the repository holding the plan: while it
/// stays the same, so does the history. `None` outside a repository or
/// before the first commit.
pub fn head(root: &Path) -> Option<gix::ObjectId> {
    let repo = gix::discover(root).ok()?;
    let id = repo.head_id().ok()?;
    Some(id.detach())
}

/// The history up to `rev` (a commit id), or up to `HEAD`: what a checkout
/// of that commit would read.
pub fn read_at(root: &Path, rev: Option<gix::ObjectId>) -> History {
    let Ok(mut repo) = gix::discover(root) else {
        return History::missing(Availability::NoRepository);
    };
    // The walk reads each commit, and the history reads it again for its
    // tree and its message: kept, it is inflated once.
    repo.object_cache_size_if_unset(4 << 20);
    match history(&repo, root, rev) {
        Ok(Some(h)) => h,
        Ok(None) => History::missing(Availability::NotTracked),
        Err(_) => History::missing(Availability::NoRepository),
    }
}

/// The plan's files as they were at a revision, read from the object
/// database: no checkout, the work tree untouched.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The commit the revision names.
    pub commit: Option<gix::ObjectId>,
    /// Every file below the plan's folder, by path relative to the plan root
    /// with `/` separators.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Reads the plan's files at `rev` (`HEAD~3`, a branch, a tag, an id).
pub fn snapshot(root: &Path, rev: &str) -> anyhow::Result<Snapshot> {
    use anyhow::Context as _;
    // gix's own words name its internals; the user needs only this.
    let repo = gix::discover(root).map_err(|_| {
        anyhow::anyhow!(
            "{} is in no git repository, so it has no revision {rev}",
            root.display()
        )
    })?;
    let prefix = plan_prefix(&repo, root)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .context("the repository has no work tree")?;
    let id = resolve(&repo, rev)?;
    let commit = repo
        .find_commit(id)
        .map_err(|_| anyhow::anyhow!("{rev} names no commit: name a commit, a branch or a tag"))?;
    let tree = commit.tree().map_err(|e| anyhow::anyhow!("{e}"))?;
    let files = all_files(&repo, &tree, &prefix).map_err(|e| anyhow::anyhow!("{e}"))?;
    let rel = |p: &Path| {
        p.strip_prefix(&prefix)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut out = BTreeMap::new();
    for (path, blob) in files {
        let data = repo.find_blob(blob).map_err(|e| anyhow::anyhow!("{e}"))?;
        out.insert(rel(&path), data.data.clone());
    }
    Ok(Snapshot {
        commit: Some(commit.id),
        files: out,
    })
}

/// The commit `rev` names (`HEAD~3`, a branch, a tag, an id), or why
/// there is none, in words a user can act on: gix's own error names its
/// internals (`delegate.traverse(NthAncestor(5000)) failed`, issue 19).
fn resolve(repo: &gix::Repository, rev: &str) -> anyhow::Result<gix::ObjectId> {
    if let Ok(id) = repo.rev_parse_single(rev) {
        return Ok(id.detach());
    }
    let missing = format!("no revision {rev} in the repository");
    // No commit at all (HEAD unborn, no branch or tag anywhere): a
    // repository just made, with the plan not committed yet.
    let no_refs = || {
        let refs = repo.references().ok();
        refs.as_ref()
            .and_then(|r| r.all().ok())
            .is_none_or(|mut all| all.next().is_none())
    };
    if repo.head_id().is_err() && no_refs() {
        anyhow::bail!("{missing}: it has no commit yet; commit the plan first");
    }
    // In a shallow clone (CI's default) older commits are there, only not fetched.
    let shallow = if repo.is_shallow().unwrap_or(false) {
        "; this is a shallow clone: fetch the rest with `git fetch --unshallow`"
    } else {
        ""
    };
    if let Some((name, steps)) = ancestry(rev)
        && let Ok(id) = repo.rev_parse_single(name)
    {
        let before = first_parents(repo, id.detach(), steps);
        if before < steps {
            let only = match before {
                0 => format!("{name} is the first commit"),
                1 => format!("the history has only 1 commit before {name}, {name}~1"),
                n => format!(
                    "the history has only {n} commits before {name}: {name}~1 to {name}~{n}"
                ),
            };
            anyhow::bail!("{missing}: {only}{shallow}");
        }
    }
    // The name the revision starts from: `main` of `main~2`, `HEAD^2`,
    // `main@{7 days ago}` or `v1.0:data`.
    let name = match rev.find("@{") {
        Some(at) if at > 0 => &rev[..at],
        _ => rev.split(['~', '^', ':']).next().unwrap_or(rev),
    };
    if name.is_empty() || repo.rev_parse_single(name).is_err() {
        let hex = name.len() >= 4 && name.chars().all(|c| c.is_ascii_hexdigit());
        let what = if name == "HEAD" {
            "HEAD is a branch with no commit yet".to_owned()
        } else if name.is_empty() {
            "name a commit id, a branch or a tag first (HEAD~3, main, v1.0)".to_owned()
        } else if hex {
            format!("no commit id starts with {name}{shallow}")
        } else {
            format!(
                "no branch, tag or commit is named {name} (`git branch -a` and `git tag` list them)"
            )
        };
        anyhow::bail!("{missing}: {what}");
    }
    anyhow::bail!(
        "{missing}: {name} is there, but not what follows it; name a commit id, a branch or a tag, with ~N for the Nth commit before it (HEAD~3)"
    )
}

/// `NAME~N`, `NAME^` and chains of them (`main~2^`): the name and how many
/// first parents back they go. `None` for anything else (`HEAD^2`, a
/// merge's second parent, is not a walk back).
fn ancestry(rev: &str) -> Option<(&str, usize)> {
    let at = rev.find(['~', '^'])?;
    let (name, mut rest) = (&rev[..at], &rev[at..]);
    let mut steps = 0usize;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        let digits = rest.len() - rest.trim_start_matches(|d: char| d.is_ascii_digit()).len();
        let n: usize = match &rest[..digits] {
            "" => 1,
            d => d.parse().ok()?,
        };
        rest = &rest[digits..];
        match c {
            '~' => steps = steps.checked_add(n)?,
            '^' if n == 1 => steps = steps.checked_add(1)?,
            '^' if n == 0 => {}
            _ => return None,
        }
    }
    (!name.is_empty()).then_some((name, steps))
}

/// How many first parents `id` has, counting at most `most`.
fn first_parents(repo: &gix::Repository, id: gix::ObjectId, most: usize) -> usize {
    let mut at = id;
    for n in 0..most {
        let parent = repo
            .find_commit(at)
            .ok()
            .and_then(|c| c.parent_ids().next().map(|p| p.detach()))
            // A shallow clone names parents it does not hold.
            .filter(|p| repo.has_object(p));
        match parent {
            Some(p) => at = p,
            None => return n,
        }
    }
    most
}

/// The commit a pull request starts from: the merge base of `HEAD` with the
/// default branch (`origin/HEAD`, else `main`, else `master`), as an id.
pub fn default_base(root: &Path) -> anyhow::Result<String> {
    let repo = gix::discover(root)
        .map_err(|_| anyhow::anyhow!("{} is in no git repository: name BASE", root.display()))?;
    let head = repo
        .head_commit()
        .map_err(|_| anyhow::anyhow!("the repository has no commit yet: commit the plan first"))?;
    for name in [
        "origin/HEAD",
        "origin/main",
        "main",
        "origin/master",
        "master",
    ] {
        if let Ok(id) = repo.rev_parse_single(name)
            && let Ok(Some(base)) = repo.merge_base(id.detach(), head.id)
        {
            return Ok(base.to_string());
        }
    }
    anyhow::bail!("cannot tell the default branch (no origin/HEAD, main or master): name BASE")
}

/// Where the plan root sits in the repository's work tree.
fn plan_prefix(repo: &gix::Repository, root: &Path) -> Result<Option<PathBuf>> {
    let Some(workdir) = repo.workdir() else {
        return Ok(None);
    };
    Ok(Some(
        std::fs::canonicalize(root)?
            .strip_prefix(std::fs::canonicalize(workdir)?)?
            .to_owned(),
    ))
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A tree's files below a folder, by path, with their blob ids.
type Files = BTreeMap<PathBuf, gix::ObjectId>;

fn history(
    repo: &gix::Repository,
    root: &Path,
    tip: Option<gix::ObjectId>,
) -> Result<Option<History>> {
    let Some(prefix) = plan_prefix(repo, root)? else {
        return Ok(None);
    };
    let data = prefix.join("data");
    let tip = match tip {
        Some(id) => id,
        None => match repo.head_commit() {
            Ok(head) => head.id,
            Err(_) => return Ok(None),
        },
    };
    let shallow = repo.is_shallow()?;
    let mut commits = Vec::new();
    let walk = repo
        .rev_walk([tip])
        .sorting(Sorting::ByCommitTime(CommitTimeOrder::NewestFirst))
        .all()?;
    // Each commit's data folder is looked up once: as a parent it is kept
    // until the walk reaches that commit itself (newest first, so soon).
    let mut looked_up: std::collections::HashMap<gix::ObjectId, Option<gix::ObjectId>> =
        Default::default();
    let mut data_of = |id: gix::ObjectId, keep: bool| -> Result<Option<gix::ObjectId>> {
        if let Some(&tree) = looked_up.get(&id) {
            if !keep {
                looked_up.remove(&id);
            }
            return Ok(tree);
        }
        let tree = data_tree(&repo.find_commit(id)?.tree()?, &data)?;
        if keep {
            looked_up.insert(id, tree);
        }
        Ok(tree)
    };
    let mut trees = Trees::default();
    // The commits that changed the data, their own files and their parents'.
    let mut changed_commits = Vec::new();
    for info in walk {
        let info = info?;
        let tree = data_of(info.id, false)?;
        let parent_trees: Vec<Option<gix::ObjectId>> = info
            .parent_ids()
            .map(|id| data_of(id.detach(), true))
            .collect::<Result<_>>()?;
        // Most commits of a repository leave the data alone: the same tree
        // as a parent's is the same files, and they are never listed.
        if parent_trees.contains(&tree) {
            continue;
        }
        let files = files_in(repo, tree, &data, &mut trees)?;
        let parents: Vec<Files> = parent_trees
            .iter()
            .map(|&p| files_in(repo, p, &data, &mut trees))
            .collect::<Result<_>>()?;
        // As `git log -- data/` does: a commit counts when its data differs
        // from every parent's (a merge that only brings a branch's change in
        // is the same as that branch and does not count again). Trees that
        // differ can still hold the same files (a mode or a link changed).
        let changed = match parents.first() {
            None => !files.is_empty(),
            Some(_) => parents.iter().all(|p| *p != files),
        };
        if !changed {
            continue;
        }
        let commit = info.object()?;
        let boundary =
            shallow && info.parent_ids.is_empty() && commit.parent_ids().next().is_some();
        let parents = if parents.is_empty() {
            vec![Files::new()]
        } else {
            parents
        };
        changed_commits.push((info.id, parents, files, boundary));
    }
    // Each version of a file that some commit changed, counted (CSV) or
    // parsed (TOML) once, by blob: the file after one commit is the file
    // before the next.
    let mut wanted = Vec::new();
    for (_, parents, files, _) in &changed_commits {
        for (path, old, new) in changed_files(parents, files) {
            let kind = versions::kind_of(path);
            wanted.extend([old, new].into_iter().flatten().map(|id| (*id, kind)));
        }
    }
    let versions = versions::Versions::read(repo, wanted)?;
    for (id, parents, files, boundary) in &changed_commits {
        let commit = repo.find_commit(*id)?;
        commits.push(describe(
            &commit, parents, files, &prefix, *boundary, &versions,
        )?);
    }
    if commits.is_empty() {
        return Ok(None);
    }
    let availability = if shallow {
        Availability::Shallow
    } else {
        Availability::Full
    };
    Ok(Some(History {
        availability,
        commits,
        tip: Some(tip.to_string()),
    }))
}

/// Every file below `dir` of `tree` (the whole tree for an empty `dir`),
/// by path relative to the repository, with its blob id.
fn all_files(repo: &gix::Repository, tree: &gix::Tree<'_>, dir: &Path) -> Result<Files> {
    let mut trees = Trees::default();
    if dir.as_os_str().is_empty() {
        let files = listing(repo, tree.id, &mut trees)?;
        return Ok(files.iter().cloned().collect());
    }
    listed_files(repo, tree, dir, &mut trees)
}

/// The files of each folder's tree read so far, by tree id: a commit
/// changes a file or two, and every other folder's tree is one read before.
type Trees =
    std::collections::HashMap<gix::ObjectId, std::sync::Arc<Vec<(PathBuf, gix::ObjectId)>>>;

/// Every file below `dir` of `tree`, by path relative to the repository,
/// with its blob id, reading each folder's tree once.
fn listed_files(
    repo: &gix::Repository,
    tree: &gix::Tree<'_>,
    dir: &Path,
    trees: &mut Trees,
) -> Result<Files> {
    files_in(repo, data_tree(tree, dir)?, dir, trees)
}

/// The tree of the folder `dir` of `tree`; `None` when there is none.
fn data_tree(tree: &gix::Tree<'_>, dir: &Path) -> Result<Option<gix::ObjectId>> {
    Ok(tree
        .lookup_entry_by_path(dir)?
        .filter(|entry| entry.mode().is_tree())
        .map(|entry| entry.object_id()))
}

/// Every file below the folder `dir` whose tree is `id`, by path relative
/// to the repository, with its blob id; none without a folder.
fn files_in(
    repo: &gix::Repository,
    id: Option<gix::ObjectId>,
    dir: &Path,
    trees: &mut Trees,
) -> Result<Files> {
    let Some(id) = id else {
        return Ok(Files::new());
    };
    let files = listing(repo, id, trees)?;
    Ok(files.iter().map(|(p, id)| (dir.join(p), *id)).collect())
}

/// The files below a tree, by path relative to it.
fn listing(
    repo: &gix::Repository,
    id: gix::ObjectId,
    trees: &mut Trees,
) -> Result<std::sync::Arc<Vec<(PathBuf, gix::ObjectId)>>> {
    if let Some(files) = trees.get(&id) {
        return Ok(files.clone());
    }
    let mut out = Vec::new();
    let tree = repo.find_tree(id)?;
    for entry in tree.iter() {
        let entry = entry?;
        let name = PathBuf::from(entry.filename().to_str_lossy().as_ref());
        if entry.mode().is_tree() {
            let below = listing(repo, entry.oid().to_owned(), trees)?;
            out.extend(below.iter().map(|(p, id)| (name.join(p), *id)));
        } else if entry.mode().is_blob() {
            out.push((name, entry.oid().to_owned()));
        }
    }
    let out = std::sync::Arc::new(out);
    trees.insert(id, out.clone());
    Ok(out)
}

/// The files a commit changed, with their blob before (in the first parent)
/// and after: each file that differs from every parent's. An ordinary
/// commit has one parent; a merge's files are then only those it resolved
/// itself, as `git log --cc` shows them, not what the merged branch's own
/// commits did.
fn changed_files<'a>(
    parents: &'a [Files],
    after: &'a Files,
) -> impl Iterator<
    Item = (
        &'a PathBuf,
        Option<&'a gix::ObjectId>,
        Option<&'a gix::ObjectId>,
    ),
> {
    let paths: std::collections::BTreeSet<&PathBuf> = parents
        .iter()
        .flat_map(|p| p.keys())
        .chain(after.keys())
        .collect();
    paths.into_iter().filter_map(move |path| {
        let new = after.get(path);
        (!parents.iter().any(|p| p.get(path) == new)).then(|| (path, parents[0].get(path), new))
    })
}

/// What `commit` changed in the data, in words.
fn describe(
    commit: &gix::Commit<'_>,
    parents: &[Files],
    after: &Files,
    prefix: &Path,
    boundary: bool,
    versions: &versions::Versions,
) -> Result<Commit> {
    let rel = |p: &Path| {
        p.strip_prefix(prefix)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut files = Vec::new();
    for (path, old, new) in changed_files(parents, after) {
        let kind = match (old, new) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Deleted,
            _ => ChangeKind::Modified,
        };
        let (items, toml) = match versions::kind_of(path) {
            versions::Kind::Rows => {
                let (old, new) = (versions.rows(old), versions.rows(new));
                (vec![crate::changes::rows_item(old, new)], None)
            }
            versions::Kind::Doc => {
                let (old, new) = (versions.doc(old), versions.doc(new));
                let items =
                    crate::changes::of_toml(&rel(path), versions::view(old), versions::view(new));
                (items, new.cloned().flatten())
            }
        };
        files.push(FileChange {
            path: rel(path),
            kind,
            items,
            toml,
        });
    }
    let author = commit.author()?;
    let time = author.time()?;
    let date = jiff::Timestamp::from_second(time.seconds)?
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(
            time.offset,
        )?))
        .date();
    let message = commit.message()?;
    let subject = message.summary().to_str_lossy().into_owned();
    let id = commit.id.to_string();
    Ok(Commit {
        short: id.chars().take(8).collect(),
        id,
        date,
        author: author.name.to_str_lossy().into_owned(),
        pull_request: pull_request(&subject),
        subject,
        files,
        boundary,
        merge: parents.len() > 1,
    })
}

/// The pull request a commit subject names: GitHub's "Merge pull request
/// #12 from …", or a squash-merge's "Raise the SLA target (#12)".
pub fn pull_request(subject: &str) -> Option<u32> {
    let number = |s: &str| -> Option<u32> {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        return number(rest);
    }
    let inner = subject.trim_end().strip_suffix(')')?;
    let at = inner.rfind("(#")?;
    let n = &inner[at + 2..];
    n.chars()
        .all(|c| c.is_ascii_digit())
        .then(|| number(n))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_request_numbers() {
        assert_eq!(
            pull_request("Merge pull request #12 from team/sla"),
            Some(12)
        );
        assert_eq!(pull_request("Raise the SLA target (#34)"), Some(34));
        assert_eq!(pull_request("Raise the SLA target (#34) "), Some(34));
        assert_eq!(pull_request("Fix (#x)"), None);
        assert_eq!(pull_request("Add week 44"), None);
    }
}
