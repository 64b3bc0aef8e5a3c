//! The tokio runtime the bindings own: every async call of the apps runs on it as a task,
//! so the core's HTTP client, timers and spawned tasks always find a reactor, and the
//! apps' threads only wait.
//!
//! Cancellation: when the app cancels (a Kotlin coroutine is cancelled, uniffi drops the
//! future it was polling) the task is aborted, i.e. dropped at its next `.await`. The core
//! is written for that: its writes are single SQLite transactions and it holds no lock
//! across an `.await` that could be left half done.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use tokio::runtime::{Builder, Handle, Runtime};
use tokio::task::JoinHandle;

/// Worker threads: the core's work is mostly waiting on the network; images are prepared
/// on the blocking pool. Two keep a phone's other cores for the UI.
const WORKER_THREADS: usize = 2;

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The runtime, started at the first `MotCua.open` and kept for the life of the process
/// (a runtime may not be dropped from one of its own threads, which the last reference to
/// a core could be).
pub(crate) fn handle() -> std::io::Result<Handle> {
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime.handle().clone());
    }
    let runtime = Builder::new_multi_thread()
        .worker_threads(WORKER_THREADS)
        .thread_name("motcua-core")
        .enable_all()
        .build()?;
    // Two threads opening at once may both build one. The loser's is shut down without
    // waiting: dropping it would panic when the caller is itself on a runtime (a Rust
    // test, a host app using tokio).
    if let Err(loser) = RUNTIME.set(runtime) {
        loser.shutdown_background();
    }
    RUNTIME
        .get()
        .map(|runtime| runtime.handle().clone())
        .ok_or_else(|| std::io::Error::other("the bindings' runtime is not set"))
}

/// A task aborted when its handle is dropped: the caller went away.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.0).poll(cx).map(|joined| match joined {
            Ok(value) => value,
            // A panic of the core is re-raised here, in the call uniffi guards, and reaches
            // the app as an exception, not an abort. The task cannot have been cancelled
            // otherwise: only dropping this handle aborts it, and the runtime never stops.
            Err(error) => std::panic::resume_unwind(match error.try_into_panic() {
                Ok(payload) => payload,
                Err(error) => Box::new(error.to_string()),
            }),
        })
    }
}

/// Runs `future` on the runtime; dropping the returned future cancels it.
pub(crate) fn run<T: Send + 'static>(
    runtime: &Handle,
    future: impl Future<Output = T> + Send + 'static,
) -> impl Future<Output = T> + Send {
    AbortOnDrop(runtime.spawn(future))
}

/// Runs CPU-bound `work` (image preparation) on the runtime's blocking pool. It cannot be
/// stopped once started: a caller that goes away leaves it to finish (or fail) whole.
pub(crate) fn run_blocking<T: Send + 'static>(
    runtime: &Handle,
    work: impl FnOnce() -> T + Send + 'static,
) -> impl Future<Output = T> + Send {
    AbortOnDrop(runtime.spawn_blocking(work))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    /// Sets its flag when dropped.
    struct DropFlag(Arc<AtomicBool>);

    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn dropping_the_call_drops_the_task() {
        let runtime = handle().unwrap();
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let call = run(&runtime, async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        });
        drop(call);
        for _ in 0..200 {
            if dropped.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the task was not dropped after its caller went away");
    }

    #[test]
    fn a_result_and_a_panic_come_back_to_the_caller() {
        let runtime = handle().unwrap();
        let waiter = Builder::new_current_thread().build().unwrap();
        assert_eq!(waiter.block_on(run(&runtime, async { 6 * 7 })), 42);
        assert_eq!(waiter.block_on(run_blocking(&runtime, || "done")), "done");
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            waiter.block_on(run(&runtime, async { panic!("boom") }))
        }));
        assert!(panicked.is_err());
    }
}
