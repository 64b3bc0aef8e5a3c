//! Upload progress, per attachment and for the whole submission: computed once here, so
//! the apps show a percentage and never add bytes up themselves (two files under one
//! requirement used to overwrite each other's count in both apps).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::drafts::StoredAttachment;

/// One step of a submission's (or supplement answer's) upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadProgress {
    /// The draft being delivered.
    pub draft_id: String,
    /// The attachment that moved on (its local id).
    pub attachment_id: i64,
    /// The document requirement it answers.
    pub requirement: String,
    /// Bytes of this attachment the portal has.
    pub attachment_sent: u64,
    /// Bytes of this attachment.
    pub attachment_total: u64,
    /// Bytes of all the submission's attachments the portal has (attachments uploaded in
    /// an earlier attempt count as sent).
    pub sent: u64,
    /// Bytes of all the submission's attachments.
    pub total: u64,
}

impl UploadProgress {
    /// The whole submission's progress, 0 to 100 (100 when it has nothing to upload).
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return 100;
        }
        let percent = self.sent.min(self.total).saturating_mul(100) / self.total;
        u8::try_from(percent).unwrap_or(100)
    }
}

/// Told how uploads move on. Called on the core's threads: hand over and return quickly.
pub trait UploadListener: Send + Sync {
    /// An attachment's upload moved on.
    fn on_upload_progress(&self, progress: &UploadProgress);
}

/// The bytes of one delivery attempt's attachments as their uploads move on; tells the
/// listener the attachment's and the submission's figures together.
pub(super) struct SubmissionTally<'a> {
    draft_id: &'a str,
    listener: Option<&'a dyn UploadListener>,
    total: u64,
    /// Bytes the portal has, by attachment id.
    sent: Mutex<HashMap<i64, u64>>,
}

impl<'a> SubmissionTally<'a> {
    /// The tally of `attachments` of `draft_id`, those already uploaded counted as sent.
    pub(super) fn new(
        draft_id: &'a str,
        attachments: &[StoredAttachment],
        listener: Option<&'a dyn UploadListener>,
    ) -> Self {
        let sent = attachments
            .iter()
            .map(|a| (a.id, if a.uploaded { a.size } else { 0 }))
            .collect();
        SubmissionTally {
            draft_id,
            listener,
            total: attachments.iter().map(|a| a.size).sum(),
            sent: Mutex::new(sent),
        }
    }

    /// `attachment` has `sent` of its `total` bytes on the portal.
    pub(super) fn attachment(&self, attachment: &StoredAttachment, sent: u64, total: u64) {
        let Some(listener) = self.listener else {
            return;
        };
        let submission_sent = {
            let mut by_attachment = self.sent.lock().unwrap_or_else(|p| p.into_inner());
            by_attachment.insert(attachment.id, sent.min(total));
            by_attachment.values().sum::<u64>()
        };
        listener.on_upload_progress(&UploadProgress {
            draft_id: self.draft_id.to_owned(),
            attachment_id: attachment.id,
            requirement: attachment.requirement.clone(),
            attachment_sent: sent,
            attachment_total: total,
            sent: submission_sent,
            // The prepared size is what is uploaded; a blob that differs still ends at 100.
            total: self.total.max(submission_sent),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachment(id: i64, requirement: &str, size: u64, uploaded: bool) -> StoredAttachment {
        StoredAttachment {
            id,
            requirement: requirement.to_owned(),
            file_name: format!("{id}.jpg"),
            media_type: "image/jpeg".to_owned(),
            size,
            sha256: String::new(),
            blob: String::new(),
            upload_url: None,
            uploaded,
        }
    }

    #[derive(Default)]
    struct Seen(Mutex<Vec<UploadProgress>>);

    impl UploadListener for Seen {
        fn on_upload_progress(&self, progress: &UploadProgress) {
            self.0.lock().unwrap().push(progress.clone());
        }
    }

    #[test]
    fn two_files_of_one_requirement_add_up() {
        let files = [
            attachment(1, "photo", 600, false),
            attachment(2, "photo", 400, false),
        ];
        let seen = Seen::default();
        let tally = SubmissionTally::new("d", &files, Some(&seen));
        tally.attachment(&files[0], 600, 600);
        tally.attachment(&files[1], 200, 400);
        let steps = seen.0.lock().unwrap().clone();
        assert_eq!(
            steps[1].sent, 800,
            "both files count, not the last one only"
        );
        assert_eq!(steps[1].total, 1000);
        assert_eq!(steps[1].percent(), 80);
        assert_eq!(
            (steps[1].attachment_sent, steps[1].attachment_total),
            (200, 400)
        );
        assert_eq!(steps[1].attachment_id, 2);
    }

    #[test]
    fn what_an_earlier_attempt_uploaded_counts_as_sent() {
        let files = [
            attachment(1, "id_card", 500, true),
            attachment(2, "photo", 500, false),
        ];
        let seen = Seen::default();
        let tally = SubmissionTally::new("d", &files, Some(&seen));
        tally.attachment(&files[1], 0, 500);
        assert_eq!(seen.0.lock().unwrap()[0].percent(), 50);
    }

    #[test]
    fn nothing_to_upload_is_complete() {
        let progress = UploadProgress {
            draft_id: "d".into(),
            attachment_id: 1,
            requirement: "r".into(),
            attachment_sent: 0,
            attachment_total: 0,
            sent: 0,
            total: 0,
        };
        assert_eq!(progress.percent(), 100);
    }
}
