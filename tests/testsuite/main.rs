//! Integration tests: real plans under `tests/fixtures/` built by the real
//! binary in temporary directories. See `tests/README.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod architecture;
mod assets;
mod bounds;
mod cases;
mod cli;
mod demo;
mod dialects;
mod digest;
mod docs;
mod errors;
mod example;
mod fuzz_corpus;
mod history;
mod import;
mod incremental;
mod language;
mod notify;
mod pages;
mod pdf;
mod postgres;
mod privacy;
mod pull;
mod race;
mod reference;
mod robustness;
mod safety;
mod search;
mod serve;
mod servers;
mod sql;
mod support;
