pub mod config;
pub mod content;
pub mod data;
pub mod diag;
