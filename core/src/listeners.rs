//! Listeners the apps register: several of one kind at once (a screen and a notification
//! service each watching status changes), each removed by the id its registration
//! returned. The bindings remove one when the app's handle is cancelled or dropped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Identifies one registration, to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListenerId(u64);

/// The registered listeners of one kind, told in registration order.
pub struct Listeners<L: ?Sized> {
    next: AtomicU64,
    entries: Mutex<Vec<(ListenerId, Arc<L>)>>,
}

impl<L: ?Sized> Default for Listeners<L> {
    fn default() -> Self {
        Listeners {
            next: AtomicU64::new(1),
            entries: Mutex::new(Vec::new()),
        }
    }
}

impl<L: ?Sized> Listeners<L> {
    // A listener that panicked while the list was locked cannot leave it half-changed
    // (every change is one push or one retain), so a poisoned lock is still usable.
    fn entries(&self) -> MutexGuard<'_, Vec<(ListenerId, Arc<L>)>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers `listener`; it is told until [`Listeners::remove`] is called with the id.
    pub fn add(&self, listener: Arc<L>) -> ListenerId {
        let id = ListenerId(self.next.fetch_add(1, Ordering::Relaxed));
        self.entries().push((id, listener));
        id
    }

    /// Removes a registration; false when it was already removed.
    pub fn remove(&self, id: ListenerId) -> bool {
        let mut entries = self.entries();
        let before = entries.len();
        entries.retain(|(entry, _)| *entry != id);
        entries.len() != before
    }

    /// The listeners registered now. A copy: the lock is not held while they are told, so
    /// a listener may add or remove registrations (its own included) when called.
    pub fn current(&self) -> Vec<Arc<L>> {
        self.entries().iter().map(|(_, l)| l.clone()).collect()
    }

    /// Number of registrations.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// No registration.
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Told: Send + Sync {
        fn tell(&self, what: &str);
    }

    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);

    impl Told for Log {
        fn tell(&self, what: &str) {
            self.0.lock().unwrap().push(what.to_owned());
        }
    }

    fn tell_all(listeners: &Listeners<dyn Told>, what: &str) {
        for listener in listeners.current() {
            listener.tell(what);
        }
    }

    #[test]
    fn each_registration_is_told_until_removed() {
        let listeners: Listeners<dyn Told> = Listeners::default();
        let first = Arc::new(Log::default());
        let second = Arc::new(Log::default());
        let a = listeners.add(first.clone());
        let b = listeners.add(second.clone());
        assert_ne!(a, b);
        tell_all(&listeners, "one");
        assert!(listeners.remove(a));
        assert!(!listeners.remove(a), "removing twice is harmless");
        tell_all(&listeners, "two");
        assert_eq!(*first.0.lock().unwrap(), ["one"]);
        assert_eq!(*second.0.lock().unwrap(), ["one", "two"]);
        assert!(listeners.remove(b));
        assert!(listeners.is_empty());
    }

    #[test]
    fn the_same_listener_twice_is_two_registrations() {
        let listeners: Listeners<dyn Told> = Listeners::default();
        let log = Arc::new(Log::default());
        let a = listeners.add(log.clone());
        listeners.add(log.clone());
        tell_all(&listeners, "x");
        listeners.remove(a);
        tell_all(&listeners, "y");
        assert_eq!(*log.0.lock().unwrap(), ["x", "x", "y"]);
    }

    /// Removes its own registration when told: must not deadlock.
    struct Once {
        listeners: Arc<Listeners<dyn Told>>,
        id: Mutex<Option<ListenerId>>,
        told: Mutex<u32>,
    }

    impl Told for Once {
        fn tell(&self, _: &str) {
            *self.told.lock().unwrap() += 1;
            if let Some(id) = self.id.lock().unwrap().take() {
                self.listeners.remove(id);
            }
        }
    }

    #[test]
    fn a_listener_may_remove_itself_while_told() {
        let listeners: Arc<Listeners<dyn Told>> = Arc::new(Listeners::default());
        let once = Arc::new(Once {
            listeners: listeners.clone(),
            id: Mutex::new(None),
            told: Mutex::new(0),
        });
        let id = listeners.add(once.clone());
        *once.id.lock().unwrap() = Some(id);
        tell_all(&listeners, "first");
        tell_all(&listeners, "second");
        assert_eq!(*once.told.lock().unwrap(), 1);
        assert!(listeners.is_empty());
    }
}
