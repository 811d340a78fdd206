//! Names the commit cxreport is built from, for `cxreport --version`
//! (`cxreport 0.1.0 (1a2b3c4d 2026-12-07)`): a bug report then says which
//! code ran, even between two releases of the same version number.
//!
//! The commit comes from, in order: `CXREPORT_COMMIT` (a release build,
//! which may run where git is not), the git checkout the crate sits at the
//! top of, `GITHUB_SHA` in a GitHub job that checked cxreport out, or the
//! `.cargo_vcs_info.json` that `cargo package` writes into a crates.io
//! tarball. Anything else (a tarball without it, no `git` installed) says
//! "unknown commit": the build never fails for want of a commit.
//!
//! Only `--version` shows it. The site says `cxreport 0.1.0` and nothing
//! more, so that the same plan builds to the same bytes whichever commit of
//! the tool built it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=CXREPORT_COMMIT");
    println!("cargo:rerun-if-env-changed=GITHUB_SHA");
    println!("cargo:rerun-if-env-changed=GITHUB_WORKSPACE");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    // CXREPORT_COMMIT may bring its date along (`<id> 2026-12-07`), for a
    // build where git cannot look it up (release.yml's containers).
    let told = env("CXREPORT_COMMIT");
    let mut words = told.as_deref().unwrap_or("").split_whitespace();
    let (told, told_date) = (words.next(), words.next());
    // GITHUB_SHA names the repository a GitHub job checked out: cxreport's
    // own only when the crate sits in that checkout (a plan repository's
    // job that runs `cargo install cxreport` has its own GITHUB_SHA).
    let in_workspace = env("GITHUB_WORKSPACE").is_some_and(|w| dir.starts_with(w));
    let commit = match told {
        Some(id) => Some(id.to_owned()),
        None => checkout_head(&dir)
            .or_else(|| env("GITHUB_SHA").filter(|_| in_workspace))
            .or_else(|| packaged_commit(&dir)),
    };
    let text = match commit {
        Some(id) => {
            let short: String = id.chars().take(8).collect();
            let date = told_date.map(str::to_owned);
            match date.or_else(|| commit_date(&dir, &id)) {
                Some(date) => format!("{short} {date}"),
                None => short,
            }
        }
        None => "unknown commit".to_owned(),
    };
    println!("cargo:rustc-env=CXREPORT_COMMIT={text}");
}

/// Runs git in `dir`; its output, trimmed, when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}

/// The commit checked out, when the crate is the top of a git work tree.
/// A tarball unpacked somewhere inside another repository (a home folder
/// kept in git) must not take that repository's commit, hence the check.
/// Also tells cargo to run this again when `HEAD` moves.
fn checkout_head(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), dir) {
        return None;
    }
    // A commit, a checkout or a pull rewrites HEAD (detached) or the
    // branch it names. In a linked work tree HEAD is in the work tree's own
    // git folder and the branch in the common one. Only files that exist
    // are named: cargo would run this again on every build for one that
    // does not.
    let git_dir = git(dir, &["rev-parse", "--absolute-git-dir"]).map(PathBuf::from);
    let common = git(dir, &["rev-parse", "--git-common-dir"]).map(|c| dir.join(c));
    let branch = git(dir, &["symbolic-ref", "-q", "HEAD"]);
    let mut watched = Vec::new();
    if let Some(g) = &git_dir {
        watched.push(g.join("HEAD"));
    }
    if let Some(c) = &common {
        watched.push(c.join("packed-refs"));
        if let Some(b) = &branch {
            watched.push(c.join(b));
        }
    }
    for path in watched.iter().filter(|p| p.is_file()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    git(dir, &["rev-parse", "HEAD"])
}

/// The commit `cargo package` recorded in the tarball.
fn packaged_commit(dir: &Path) -> Option<String> {
    let path = dir.join(".cargo_vcs_info.json");
    let text = std::fs::read_to_string(&path).ok()?;
    println!("cargo:rerun-if-changed={}", path.display());
    // `"sha1": "<40 hex digits>"`: read by hand, as a build script's
    // dependencies would be compiled for every build of cxreport.
    let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let id: String = after
        .trim_start_matches([' ', ':', '"', '\n', '\t'])
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (id.len() == 40).then_some(id)
}

/// The commit's date (`2026-12-07`), when git has the commit.
fn commit_date(dir: &Path, id: &str) -> Option<String> {
    git(dir, &["show", "-s", "--format=%cs", id])
}
