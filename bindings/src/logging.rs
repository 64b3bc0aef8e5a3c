//! The core's logs for the app, through a callback: an app that wants them (a debug build,
//! a diagnostics screen) installs a [`LogSink`]; none is installed by default. The release
//! library (feature `mobile`) compiles every log statement out, so a sink there receives
//! nothing. Messages pass through `motcua_core::error::redacted` on their way out: the
//! core logs no personal data, and what a field could still carry (a URL's path, a quoted
//! text, a dossier code or an ID number) is removed here as well.
//!
//! A small `tracing::Subscriber` of our own rather than `tracing-subscriber`: the sink needs
//! events only (the core opens no spans worth forwarding), and the mobile library stays
//! free of a formatting and filtering stack it would not use.

use std::fmt::Write as _;
use std::sync::{Arc, Once, RwLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// How much to receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Failures and refusals.
    Warn,
    /// What the core did (logins, deliveries, catalog updates), and the above.
    Info,
    /// Details of transfers and caches, and the above.
    Debug,
}

impl LogLevel {
    fn admits(self, level: &Level) -> bool {
        let most = match self {
            LogLevel::Warn => Level::WARN,
            LogLevel::Info => Level::INFO,
            LogLevel::Debug => Level::DEBUG,
        };
        // `tracing` orders levels by verbosity: ERROR is the smallest.
        *level <= most
    }

    fn of(level: &Level) -> LogLevel {
        match *level {
            Level::ERROR | Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            _ => LogLevel::Debug,
        }
    }
}

/// One line of the core's log.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogRecord {
    /// Its level.
    pub level: LogLevel,
    /// Where in the core (`motcua_core::dossier::outbox`).
    pub target: String,
    /// What happened, with its fields (`dossier delivered attempts=1`), redacted.
    pub message: String,
}

/// Receives the core's logs. Called on the core's threads: hand over and return quickly.
#[uniffi::export(foreign)]
pub trait LogSink: Send + Sync {
    /// One log line.
    fn log(&self, record: LogRecord);
}

/// The installed sink and its level; `None`: logs go nowhere.
static SINK: RwLock<Option<(Arc<dyn LogSink>, LogLevel)>> = RwLock::new(None);
static INSTALL: Once = Once::new();

/// Sends the core's logs at `level` and above to `sink`, or stops sending them (`None`).
/// Off until called; in the release library the core's log statements are compiled out.
#[uniffi::export]
pub fn set_log_sink(sink: Option<Arc<dyn LogSink>>, level: LogLevel) {
    INSTALL.call_once(|| {
        // Another global subscriber (a host process's) wins: then the sink stays silent.
        let _ = tracing::subscriber::set_global_default(Forwarder);
    });
    if let Ok(mut slot) = SINK.write() {
        *slot = sink.map(|sink| (sink, level));
    }
}

/// The subscriber that hands events to the sink.
struct Forwarder;

impl Subscriber for Forwarder {
    // Asked each time rather than cached per call site: the sink comes and goes.
    fn register_callsite(
        &self,
        _metadata: &'static Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        SINK.read()
            .ok()
            .and_then(|slot| {
                slot.as_ref()
                    .map(|(_, level)| level.admits(metadata.level()))
            })
            .unwrap_or(false)
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let Some(sink) = SINK
            .read()
            .ok()
            .and_then(|slot| slot.as_ref().map(|(s, _)| s.clone()))
        else {
            return;
        };
        let mut line = Line::default();
        event.record(&mut line);
        let metadata = event.metadata();
        sink.log(LogRecord {
            level: LogLevel::of(metadata.level()),
            target: metadata.target().to_owned(),
            message: motcua_core::error::redacted(line.0.trim()),
        });
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// An event's message and fields as one line.
#[derive(Default)]
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?} ");
        } else {
            let _ = write!(self.0, "{}={value:?} ", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value} ");
        } else {
            let _ = write!(self.0, "{}={value} ", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Collect(Mutex<Vec<LogRecord>>);

    impl LogSink for Collect {
        fn log(&self, record: LogRecord) {
            self.0.lock().unwrap().push(record);
        }
    }

    #[test]
    fn the_sink_gets_the_core_logs_at_its_level_redacted_and_none_once_removed() {
        let sink = Arc::new(Collect::default());
        set_log_sink(Some(sink.clone()), LogLevel::Info);
        tracing::info!(attempts = 2, "dossier delivered");
        tracing::debug!("too detailed for Info");
        tracing::warn!(
            detail = "http://portal.example/api/v1/dossiers/H01-260302-0007",
            "cut"
        );
        set_log_sink(None, LogLevel::Debug);
        tracing::warn!("after removal");
        let got = sink.0.lock().unwrap().clone();
        let messages: Vec<&str> = got.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "dossier delivered attempts=2",
                "cut detail=http://portal.example…"
            ]
        );
        assert_eq!(got[0].level, LogLevel::Info);
        assert_eq!(got[1].level, LogLevel::Warn);
    }
}
