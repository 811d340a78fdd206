//! How a build tells whoever runs it what it is doing: the phases of a
//! build and the [`Progress`] trait a terminal implements to show them.
//! Nothing a build reports here reaches the site.

/// The phases of a build, in order, as [`Progress`] hears of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading and checking the plan's files and its git history.
    Load,
    /// Deriving the report's figures.
    Compute,
    /// Filling the templates, a step per page.
    Render,
    /// Indexing the rendered pages for the search box, a step per page.
    Search,
    /// Writing the site, a step per file.
    Write,
}

impl Phase {
    /// The phase's name, as a progress bar shows it.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Load => "load",
            Phase::Compute => "compute",
            Phase::Render => "render",
            Phase::Search => "search",
            Phase::Write => "write",
        }
    }
}

/// Hears how a build goes, so a terminal can show it: a phase starts (with
/// its number of steps when they are known), its steps are done, it ends.
/// Nothing it hears reaches the site. `Sync`, so that work spread over
/// threads can report its steps.
pub trait Progress: Sync {
    /// A phase begins, with `steps` steps when they are known.
    fn start(&self, _phase: Phase, _steps: Option<usize>) {}
    /// One step of the running phase is done.
    fn step(&self) {}
    /// The running phase is over.
    fn finish(&self, _phase: Phase) {}
    /// The running phase waits for something outside this build, such as
    /// another build writing the same output folder; `why` says what.
    fn waiting(&self, _why: &str) {}
}

/// Progress that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
