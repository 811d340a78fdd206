//! The kinds of record a plan holds, each named once: the loader names them
//! in its problems ("duplicate sprint id …"), and the plan's history names
//! what a commit changed ("key result web-sla: target 85 → 90").

use serde::{Serialize, Serializer};

/// A kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    Metric,
    /// A metric's `[[metric.alert]]`.
    Alert,
    Theme,
    Audit,
    /// An audit's `[[finding]]`.
    Finding,
    OkrPeriod,
    Objective,
    KeyResult,
    Flow,
    /// A flow's `[[version]]`.
    Version,
    /// A flow's `[[step]]`.
    Step,
    Sprint,
    Experiment,
    /// A sprint's `[[action]]`.
    Action,
    Initiative,
    /// A data file that is no one record, such as `data/metrics.toml`.
    File,
}

impl RecordKind {
    /// The kind in words, as a sentence names it: `key result`.
    pub fn noun(self) -> &'static str {
        match self {
            RecordKind::Metric => "metric",
            RecordKind::Alert => "alert",
            RecordKind::Theme => "theme",
            RecordKind::Audit => "audit",
            RecordKind::Finding => "finding",
            RecordKind::OkrPeriod => "OKR period",
            RecordKind::Objective => "objective",
            RecordKind::KeyResult => "key result",
            RecordKind::Flow => "flow",
            RecordKind::Version => "version",
            RecordKind::Step => "step",
            RecordKind::Sprint => "sprint",
            RecordKind::Experiment => "experiment",
            RecordKind::Action => "action",
            RecordKind::Initiative => "initiative",
            RecordKind::File => "file",
        }
    }

    /// The record each file of `data/<folder>/` is, one a file.
    pub fn of_folder(folder: &str) -> Option<RecordKind> {
        Some(match folder {
            "okrs" => RecordKind::OkrPeriod,
            "audits" => RecordKind::Audit,
            "flows" => RecordKind::Flow,
            "sprints" => RecordKind::Sprint,
            _ => return None,
        })
    }

    /// The records of a TOML array of tables `[[key]]` in a data file.
    pub fn of_table(key: &str) -> Option<RecordKind> {
        Some(match key {
            "metric" => RecordKind::Metric,
            "alert" => RecordKind::Alert,
            "theme" => RecordKind::Theme,
            "finding" => RecordKind::Finding,
            "objective" => RecordKind::Objective,
            "key_result" => RecordKind::KeyResult,
            "version" => RecordKind::Version,
            "step" => RecordKind::Step,
            "experiment" => RecordKind::Experiment,
            "action" => RecordKind::Action,
            "initiative" => RecordKind::Initiative,
            _ => return None,
        })
    }
}

/// As its noun: templates and the JSON API read `"key result"`.
impl Serialize for RecordKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.noun())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_named_as_the_data_format_writes_them() {
        assert_eq!(
            RecordKind::of_table("key_result"),
            Some(RecordKind::KeyResult)
        );
        assert_eq!(RecordKind::KeyResult.noun(), "key result");
        assert_eq!(
            RecordKind::of_folder("okrs").map(RecordKind::noun),
            Some("OKR period")
        );
        assert_eq!(RecordKind::of_table("surprise"), None);
        assert_eq!(
            serde_json::to_string(&(RecordKind::Flow, "ivr")).unwrap(),
            r#"["flow","ivr"]"#
        );
    }
}
