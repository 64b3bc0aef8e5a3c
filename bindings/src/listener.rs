//! Listener registrations: what the apps turn into a Kotlin `Flow` (`callbackFlow`, cancel
//! the handle in `awaitClose`) or a Swift `AsyncStream` (`onTermination`).

use std::sync::Mutex;

/// A failure thrown by a listener of the app. It is logged and otherwise ignored: a
/// listener cannot stop the core's work.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ListenerError {
    /// The listener failed.
    #[error("{reason}")]
    Failed {
        /// Why, for logs.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ListenerError {
    // Without this, any exception a Kotlin/Swift listener throws would become a Rust panic
    // on the core's thread.
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ListenerError::Failed {
            reason: error.reason,
        }
    }
}

/// Logs a listener's failure (its text is the app's own, never personal data of ours).
pub(crate) fn report(kind: &'static str, result: Result<(), ListenerError>) {
    if let Err(error) = result {
        tracing::warn!(listener = kind, %error, "an app listener failed");
    }
}

/// One registered listener. `cancel()` stops the calls; so does dropping the handle (in
/// Kotlin `close()`, or the garbage collector eventually): keep it as long as you listen.
#[derive(uniffi::Object)]
pub struct ListenerHandle {
    remove: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl ListenerHandle {
    /// A handle that runs `remove` once, at `cancel()` or when dropped.
    pub(crate) fn new(remove: impl FnOnce() + Send + 'static) -> ListenerHandle {
        ListenerHandle {
            remove: Mutex::new(Some(Box::new(remove))),
        }
    }
}

#[uniffi::export]
impl ListenerHandle {
    /// Stops the listener; calls already under way finish. Cancelling twice is harmless.
    pub fn cancel(&self) {
        let remove = self
            .remove
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(remove) = remove {
            remove();
        }
    }

    /// Whether the listener is still registered.
    pub fn is_active(&self) -> bool {
        self.remove
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_some()
    }
}

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}
