//! Writing the site: the new site is written in full beside the old one and
//! swapped in at the end, so a failed build leaves the previous site as it was
//! and nobody ever sees half a site. A file whose bytes are the same as in
//! the previous site is that same file, linked rather than written again, so
//! it keeps its modification time: a web server's caches and `rsync` see only
//! what changed.
//!
//! Builds into one output folder take turns: each holds a lock beside it for
//! the whole write, and only the holder cleans up after builds that were
//! killed, so no build ever removes a folder another is still filling
//! (issue 14).

use std::fs::{self, File};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::progress::Phase;
use crate::render::OutFile;

/// The file that marks a directory as a site cxreport wrote, and so one it may replace.
pub const MARKER: &str = ".cxreport-site";

/// What [`write`] wrote besides the files it was given.
#[derive(Debug)]
pub struct Written {
    /// How many of all the files were the same as in the previous site.
    pub unchanged: usize,
    /// The files `more` made.
    pub more: Vec<OutFile>,
}

/// Replaces `out_dir` with exactly `files` and the files `more` makes,
/// and says how many of them were unchanged. `more` runs on a thread of its
/// own while `files` are written (the search index, made from the pages:
/// writing is mostly the file system's work, indexing is one core's), and
/// its files are written when it is done; `progress` hears the `write`
/// phase end then, and a `search` phase for the wait that is left. Refuses
/// to replace a directory that holds the plan or that cxreport did not
/// write.
///
/// A build that finds another one writing the same `out_dir` (from any
/// process: `build`, `serve`, CI jobs sharing a folder) waits for it to end,
/// telling `progress`, then writes its own site over it. Waiting rather than
/// refusing, so that `build` run while `serve` rebuilds, or two CI steps
/// that overlap, both succeed and the last one to finish wins. The lock is
/// `.{name}.lock` beside the output folder (the folder itself is swapped, so
/// it cannot hold it); the system releases it when a build dies, however it
/// dies.
pub fn write(
    out_dir: &Path,
    root: &Path,
    files: &[OutFile],
    more: impl FnOnce() -> anyhow::Result<Vec<OutFile>> + Send,
    progress: &dyn crate::progress::Progress,
) -> anyhow::Result<Written> {
    let out_dir = absolute(out_dir)?;
    let root =
        fs::canonicalize(root).with_context(|| format!("cannot resolve {}", root.display()))?;
    if root.starts_with(&out_dir) {
        bail!(
            "refusing to write the site to {}: it contains the plan itself",
            out_dir.display()
        );
    }
    for source in ["data", "content", "templates"] {
        if out_dir.starts_with(root.join(source)) {
            bail!("refusing to write the site inside the plan's {source}/ folder");
        }
    }
    let parent = out_dir
        .parent()
        .context("the output directory has no parent")?;
    let name = out_dir
        .file_name()
        .context("the output directory has no name")?
        .to_string_lossy();
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    // Held to the end of this function: what the checks below see is what
    // the swap replaces.
    let lock = lock(parent, &name, &out_dir, progress)?;
    if out_dir.exists() {
        if !out_dir.is_dir() {
            bail!("{} exists and is not a directory", out_dir.display());
        }
        let empty = fs::read_dir(&out_dir)?.next().is_none();
        if !empty && !out_dir.join(MARKER).is_file() {
            bail!(
                "refusing to replace {}: it was not written by cxreport (it has no {MARKER} file); remove it or choose another output directory",
                out_dir.display()
            );
        }
    }
    // Without a lock, a folder that looks left behind may be another
    // build's, still being filled.
    if lock.is_some() {
        remove_leftovers(parent, &name);
    }

    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    // Not `create_dir_all`: a folder already there by this name is not ours
    // to fill, nor to remove when the build fails.
    fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    let previous = out_dir.is_dir().then_some(out_dir.as_path());
    let result = fill_while(&staging, previous, files, more, progress)
        .and_then(|written| swap(&staging, &out_dir, parent, &name).map(|()| written));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Takes the lock on the output folder `name` in `parent`, first waiting
/// for a build that holds it. `None` when the file system has no locks:
/// builds then write as they did before there were any.
fn lock(
    parent: &Path,
    name: &str,
    out_dir: &Path,
    progress: &dyn crate::progress::Progress,
) -> anyhow::Result<Option<File>> {
    let path = parent.join(format!(".{name}.lock"));
    // Never removed: a build waiting on this file while it was removed and
    // made again would hold a lock on a file nobody else sees.
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    // Called by path, as std's own `File::lock` is newer than the Rust
    // this crate supports.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => return Ok(Some(file)),
        Err(fs4::TryLockError::WouldBlock) => {}
        Err(fs4::TryLockError::Error(_)) => return Ok(None),
    }
    progress.waiting(&format!(
        "another cxreport build is writing {}; waiting for it to finish",
        out_dir.display()
    ));
    fs4::FileExt::lock(&file).with_context(|| format!("cannot lock {}", path.display()))?;
    Ok(Some(file))
}

/// Fills the empty folder `staging` with `files`, and then with the files
/// `more` makes on another thread meanwhile (see [`write`]).
fn fill_while(
    staging: &Path,
    previous: Option<&Path>,
    files: &[OutFile],
    more: impl FnOnce() -> anyhow::Result<Vec<OutFile>> + Send,
    progress: &dyn crate::progress::Progress,
) -> anyhow::Result<Written> {
    fs::write(
        staging.join(MARKER),
        "This directory is written by cxreport and replaced on every build.\n",
    )?;
    std::thread::scope(|scope| {
        // Named, so a profile tells its work from the writing.
        let made = std::thread::Builder::new()
            .name("search".to_owned())
            .spawn_scoped(scope, more)?;
        progress.start(Phase::Write, Some(files.len()));
        let unchanged = fill(staging, previous, files, progress);
        progress.finish(Phase::Write);
        progress.start(Phase::Search, None);
        let more = crate::parallel::joined(made);
        let written = unchanged.and_then(|unchanged| {
            let more = more?;
            let also = fill(staging, previous, &more, progress)?;
            Ok(Written {
                unchanged: unchanged + also,
                more,
            })
        });
        progress.finish(Phase::Search);
        written
    })
}

/// Writes `files` into the folder `staging`; a file with the same
/// bytes in `previous` is linked from there instead. Returns how many were.
fn fill(
    staging: &Path,
    previous: Option<&Path>,
    files: &[OutFile],
    progress: &dyn crate::progress::Progress,
) -> anyhow::Result<usize> {
    // Most of the time goes to the file system making directories and
    // files (a page is a directory), work a second core halves. Each folder
    // is made once, before its files: a page's folder holds its downloads
    // too, and asking again for every file was a failed `mkdir` each.
    let placed: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|f| Ok((checked(&f.path)?, f.bytes.as_slice())))
        .collect::<anyhow::Result<_>>()?;
    let folders: std::collections::BTreeSet<&Path> =
        placed.iter().filter_map(|(rel, _)| rel.parent()).collect();
    for dir in folders {
        let dir = staging.join(dir);
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut unchanged = 0;
    let mut failed = None;
    crate::parallel::ordered(
        &placed,
        |&(rel, bytes)| {
            let linked = put(staging, previous, rel, bytes);
            progress.step();
            linked
        },
        |linked| match linked {
            Ok(linked) => unchanged += usize::from(linked),
            Err(e) => {
                failed.get_or_insert(e);
            }
        },
    );
    failed.map_or(Ok(unchanged), Err)
}

/// A file's path in the site, when it stays inside it.
fn checked(path: &str) -> anyhow::Result<&Path> {
    let rel = Path::new(path);
    // Paths come from ids that were checked on load; this is the last line of defence.
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write {path:?}: it would leave the output directory");
    }
    Ok(rel)
}

/// Writes one file, at `rel` (a [`checked`] path) in `staging` whose folder
/// is there, or links it from `previous` when it has the same bytes there;
/// says whether it was linked.
fn put(staging: &Path, previous: Option<&Path>, rel: &Path, bytes: &[u8]) -> anyhow::Result<bool> {
    let path = staging.join(rel);
    if let Some(old) = previous.map(|p| p.join(rel))
        && same_bytes(&old, bytes)
        && fs::hard_link(&old, &path).is_ok()
    {
        return Ok(true);
    }
    fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(false)
}

/// Whether the file at `path` holds exactly `bytes` (the size is checked
/// first, so most changed files are not read).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let is_file =
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    is_file && fs::read(path).is_ok_and(|old| old == bytes)
}

fn swap(staging: &Path, out_dir: &Path, parent: &Path, name: &str) -> anyhow::Result<()> {
    if !out_dir.exists() {
        return fs::rename(staging, out_dir)
            .with_context(|| format!("cannot move the new site to {}", out_dir.display()));
    }
    // One atomic exchange where the file system has it: then `staging`
    // holds the old site, to be removed.
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, out_dir, RenameFlags::EXCHANGE).is_ok() {
            return fs::remove_dir_all(staging)
                .with_context(|| format!("cannot remove the old site at {}", staging.display()));
        }
    }
    // Otherwise two renames, with a moment between them when the output
    // directory is missing.
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    fs::rename(out_dir, &old)
        .with_context(|| format!("cannot move the old site aside from {}", out_dir.display()))?;
    if let Err(e) = fs::rename(staging, out_dir) {
        let _ = fs::rename(&old, out_dir);
        return Err(e)
            .with_context(|| format!("cannot move the new site to {}", out_dir.display()));
    }
    fs::remove_dir_all(&old)
        .with_context(|| format!("cannot remove the old site at {}", old.display()))
}

/// Removes the staging and old folders of builds into `parent/name` that
/// were killed, and nothing else: a folder counts only when its name is
/// exactly `.{name}.new-{pid}` or `.{name}.old-{pid}` and it holds the
/// marker (or nothing at all, for a build killed before it wrote one), so a
/// `.site.old-backup` someone made is kept (issue 14). Called only under
/// the output folder's lock, so none of them belongs to a running build.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| {
            let rest = n.strip_prefix('.')?.strip_prefix(name)?;
            rest.strip_prefix(".new-")
                .or_else(|| rest.strip_prefix(".old-"))
        }) else {
            continue;
        };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // The entry's own type: a link to a folder is not followed.
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        let marked = fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file());
        if marked {
            let _ = fs::remove_dir_all(&path);
        } else {
            // Removes the folder only when it is empty.
            let _ = fs::remove_dir(&path);
        }
    }
}

/// An absolute path without `.` or `..`, whether or not it exists yet.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symbolic links in the part that exists, so the checks above compare real paths.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(n), Some(p)) => {
                rest.push(n.to_owned());
                existing = p.to_owned();
            }
            _ => break,
        }
    }
    let mut real = fs::canonicalize(&existing).unwrap_or(existing);
    real.extend(rest.into_iter().rev());
    Ok(real)
}

/// The `Content-Type` a file of the site is served with, by its extension:
/// one table for `serve` and for the pages `pdf` hands to Chromium.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        // The search index's engine: browsers compile it while it downloads
        // only when it comes as what it is.
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        // What a plan may ship beside its pages (`assets`).
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(out: &Path, root: &Path, files: &[OutFile]) -> anyhow::Result<usize> {
        write(
            out,
            root,
            files,
            || Ok(Vec::new()),
            &crate::progress::Silent,
        )
        .map(|w| w.unchanged)
    }

    fn file(path: &str, text: &str) -> OutFile {
        OutFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_whole_site() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("plan");
        fs::create_dir(&root).expect("mkdir");
        let out = root.join("site");
        put(
            &out,
            &root,
            &[file("index.html", "one"), file("a/index.html", "a")],
        )
        .expect("first");
        put(&out, &root, &[file("index.html", "two")]).expect("second");
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("read"),
            "two"
        );
        assert!(!out.join("a").exists());
        // An unchanged file is the same file, with its modification time.
        let before = fs::metadata(out.join("index.html")).expect("stat");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let unchanged = put(
            &out,
            &root,
            &[file("index.html", "two"), file("b.txt", "new")],
        )
        .expect("third");
        assert_eq!(unchanged, 1);
        let after = fs::metadata(out.join("index.html")).expect("stat");
        assert_eq!(
            before.modified().expect("mtime"),
            after.modified().expect("mtime")
        );
        let mut names: Vec<_> = fs::read_dir(&root)
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(names, [".site.lock", "site"]);
    }

    #[test]
    fn writes_what_is_made_meanwhile_and_nothing_when_it_fails() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("plan");
        fs::create_dir(&root).expect("mkdir");
        let out = root.join("site");
        let silent = &crate::progress::Silent;
        let pages = [file("index.html", "one")];
        let with_index = || {
            write(
                &out,
                &root,
                &pages,
                || Ok(vec![file("idx/a.bin", "i")]),
                silent,
            )
            .expect("written")
        };
        let written = with_index();
        assert_eq!(written.unchanged, 0);
        assert_eq!(written.more, [file("idx/a.bin", "i")]);
        assert_eq!(
            fs::read_to_string(out.join("idx/a.bin")).expect("read"),
            "i"
        );
        // Both kinds of file are linked from the previous site when unchanged.
        let written = with_index();
        assert_eq!(written.unchanged, 2);
        // A failure to make them leaves the previous site as it was.
        let failed = write(
            &out,
            &root,
            &[file("index.html", "two")],
            || anyhow::bail!("no index"),
            silent,
        );
        assert_eq!(failed.expect_err("fails").to_string(), "no index");
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("read"),
            "one"
        );
        assert!(out.join("idx/a.bin").is_file());
    }

    /// Issue 14, item 3: cleaning beside the output removed every
    /// folder whose name began like a staging one, someone's backup included.
    #[test]
    fn removes_only_its_own_leftovers() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("plan");
        fs::create_dir(&root).expect("mkdir");
        let dir = |name: &str, files: &[&str]| {
            fs::create_dir(root.join(name)).expect("mkdir");
            for f in files {
                fs::write(root.join(name).join(f), "x").expect("write");
            }
        };
        dir(".site.old-backup", &["notes.txt", MARKER]);
        dir(".site.new-123", &[MARKER, "index.html"]);
        dir(".site.old-45", &[MARKER]);
        dir(".site.new-678", &["notes.txt"]);
        dir(".site.new-9x", &[MARKER]);
        dir(".sites.new-10", &[MARKER]);
        // Killed before it wrote the marker: empty, so nobody's.
        dir(".site.new-5", &[]);
        // A link is not a folder cxreport made, wherever it points.
        dir("elsewhere", &[MARKER]);
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join(".site.old-77"))
            .expect("symlink");
        put(&root.join("site"), &root, &[file("index.html", "x")]).expect("build");
        #[cfg(unix)]
        {
            assert!(root.join(".site.old-77").is_symlink());
            fs::remove_file(root.join(".site.old-77")).expect("rm");
        }
        let mut names: Vec<_> = fs::read_dir(&root)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".site.lock",
                ".site.new-678",
                ".site.new-9x",
                ".site.old-backup",
                ".sites.new-10",
                "elsewhere",
                "site"
            ]
        );
        assert!(root.join("elsewhere").join(MARKER).is_file());
        assert!(root.join(".site.old-backup/notes.txt").is_file());
        assert!(root.join(".site.new-678/notes.txt").is_file());
    }

    /// A build that finds the output locked touches nothing until the lock
    /// is free, the other build's staging folder least of all.
    #[test]
    fn waits_for_the_build_that_holds_the_lock() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("plan");
        fs::create_dir(&root).expect("mkdir");
        let other = root.join(".site.new-123");
        fs::create_dir(&other).expect("mkdir");
        fs::write(other.join(MARKER), "x").expect("write");
        let held = File::create(root.join(".site.lock")).expect("lock file");
        fs4::FileExt::lock(&held).expect("lock");
        let (out, plan) = (root.join("site"), root.clone());
        let writer = std::thread::spawn(move || put(&out, &plan, &[file("index.html", "x")]));
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(other.join(MARKER).is_file());
        assert!(!root.join("site").exists());
        drop(held);
        writer.join().expect("no panic").expect("written");
        assert!(!other.exists());
        assert!(root.join("site/index.html").is_file());
    }

    #[test]
    fn refuses_what_it_did_not_write() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("plan");
        fs::create_dir_all(root.join("docs")).expect("mkdir");
        fs::write(root.join("docs/notes.txt"), "mine").expect("write");
        let err = put(&root.join("docs"), &root, &[file("index.html", "x")]).expect_err("refused");
        assert!(err.to_string().contains("not written by cxreport"), "{err}");
        assert!(put(&root, &root, &[]).is_err());
        assert!(put(tmp.path(), &root, &[]).is_err());
        assert!(put(&root.join("site"), &root, &[file("../evil", "x")]).is_err());
        assert!(!root.join("site").exists());
    }
}
