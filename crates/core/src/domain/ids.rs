//! Identifiers and statuses: newtypes over their stored text, so that a filing's id cannot be
//! passed where a batch's is expected (STYLE.md §4), and a status is one of a closed list.
//!
//! Every id is parsed once where it enters (a URL path, a database row, a file's bytes) and
//! travels typed from there; `as_str` gives the stored text back for SQL and URLs.

use std::fmt;

/// Defines a string newtype id with `new`, `as_str`, `Display` and transparent serde.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id from its text form (a stored row, a URL path, a config file).
            pub fn new(s: impl Into<String>) -> $name {
                $name(s.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> $name {
                $name(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> $name {
                $name(s)
            }
        }
    };
}

text_id!(
    /// Identifier of one filing (起诉材料). A command-line batch uses the SHA-256 of the bytes
    /// (hex, first 16 characters), so that re-filing the same PDF is recognised; the service
    /// gives each admitted filing a uuid and recognises re-filing by (organisation, hash).
    FilingId
);

impl FilingId {
    /// The id of a filing with these bytes.
    pub fn of_bytes(bytes: &[u8]) -> FilingId {
        use sha2::{Digest, Sha256};
        FilingId(hex::encode(&Sha256::digest(bytes)[..8]))
    }
}

text_id!(
    /// Identifier of one batch (批次) of filings processed together.
    BatchId
);

text_id!(
    /// Identifier of a court (法院) in the service's court list (`court.toml`, `fincase court`).
    CourtId
);

text_id!(
    /// Identifier of one job in the durable queue.
    JobId
);

/// Where a filing is in its life, as stored. The last five are where processing left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// Received through the service, waiting for a worker.
    Queued,
    /// A worker holds it under a lease.
    Processing,
    /// A draft judgment or payment order is ready for the judge.
    Drafted,
    /// Facts are incomplete or doubtful: a person must look before anything is drafted.
    NeedsReview,
    /// The filing has no text layer where the facts should be: OCR first.
    NeedsOcr,
    /// The pre-check rejects the filing as filed (e.g. limitation expired); reasons given.
    Rejected,
    /// The file could not be read at all (not a PDF, encrypted, damaged).
    Failed,
}

impl FilingStatus {
    /// Every status, in the order above.
    pub const ALL: [FilingStatus; 7] = [
        FilingStatus::Queued,
        FilingStatus::Processing,
        FilingStatus::Drafted,
        FilingStatus::NeedsReview,
        FilingStatus::NeedsOcr,
        FilingStatus::Rejected,
        FilingStatus::Failed,
    ];

    /// The status as stored and indexed.
    pub fn as_str(self) -> &'static str {
        match self {
            FilingStatus::Queued => "queued",
            FilingStatus::Processing => "processing",
            FilingStatus::Drafted => "drafted",
            FilingStatus::NeedsReview => "needs_review",
            FilingStatus::NeedsOcr => "needs_ocr",
            FilingStatus::Rejected => "rejected",
            FilingStatus::Failed => "failed",
        }
    }

    /// Parses a stored status.
    pub fn parse(s: &str) -> Option<FilingStatus> {
        FilingStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The status in plain Chinese, as a judge or a bank reads it.
    pub fn zh(self) -> &'static str {
        match self {
            FilingStatus::Queued | FilingStatus::Processing => "处理中",
            FilingStatus::Drafted => "已生成文书",
            FilingStatus::NeedsReview => "需人工审查",
            FilingStatus::NeedsOcr => "需OCR",
            FilingStatus::Rejected => "预查不通过",
            FilingStatus::Failed => "处理失败",
        }
    }

    /// True while a worker has not finished with it.
    pub fn in_progress(self) -> bool {
        matches!(self, FilingStatus::Queued | FilingStatus::Processing)
    }
}

/// A judge's decision on a drafted filing, as stored (审核结果). `None` where one is expected
/// means not decided yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// The judge signed the draft.
    Approved,
    /// The claim was rejected.
    Rejected,
    /// Sent back to the bank to correct or complete.
    ReturnedToBank,
}

impl ReviewState {
    /// Every state, in the order above.
    pub const ALL: [ReviewState; 3] = [
        ReviewState::Approved,
        ReviewState::Rejected,
        ReviewState::ReturnedToBank,
    ];

    /// The state as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Approved => "approved",
            ReviewState::Rejected => "rejected",
            ReviewState::ReturnedToBank => "returned_to_bank",
        }
    }

    /// Parses a stored state.
    pub fn parse(s: &str) -> Option<ReviewState> {
        ReviewState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The state in plain Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            ReviewState::Approved => "已批准",
            ReviewState::Rejected => "已驳回",
            ReviewState::ReturnedToBank => "已退回银行",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_stored_text() {
        for s in FilingStatus::ALL {
            assert_eq!(FilingStatus::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        for s in ReviewState::ALL {
            assert_eq!(ReviewState::parse(s.as_str()), Some(s));
        }
        assert_eq!(FilingStatus::parse("drafted "), None);
        assert_eq!(ReviewState::parse("pending"), None);
    }
}
