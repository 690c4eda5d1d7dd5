//! Values kept in memory under a key, within a budget of bytes: the oldest kept go first. The
//! page cache and the row cache keep what they render here.

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    sync::{Arc, Mutex, MutexGuard},
};

/// At most `budget` bytes of values, as each was sized when kept.
pub struct Kept<K, V> {
    budget: usize,
    inner: Mutex<Inner<K, V>>,
}

struct Inner<K, V> {
    entries: HashMap<Arc<K>, Entry<V>>,
    /// Keys in the order they were kept, each with the stamp of that keeping (the key itself is
    /// held once, shared with `entries`).
    order: VecDeque<(Arc<K>, u64)>,
    bytes: usize,
    next_stamp: u64,
}

struct Entry<V> {
    value: Arc<V>,
    size: usize,
    stamp: u64,
}

impl<K: Hash + Eq, V> Kept<K, V> {
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
                next_stamp: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<K, V>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        self.lock()
            .entries
            .get(key)
            .map(|entry| entry.value.clone())
    }

    /// Keeps `value` (taking `size` bytes) under `key`, in place of what was there; the oldest
    /// go until the rest fit. A value larger than a quarter of the budget is not kept. Returns
    /// the value, shared.
    pub fn keep(&self, key: K, value: V, size: usize) -> Arc<V> {
        let value = Arc::new(value);
        if size > self.budget / 4 {
            return value;
        }
        let mut inner = self.lock();
        let inner = &mut *inner;
        let stamp = inner.next_stamp;
        inner.next_stamp += 1;
        let entry = Entry {
            value: value.clone(),
            size,
            stamp,
        };
        let key = Arc::new(key);
        if let Some(old) = inner.entries.insert(key.clone(), entry) {
            inner.bytes -= old.size;
        }
        inner.bytes += size;
        inner.order.push_back((key, stamp));
        while inner.bytes > self.budget {
            let Some((oldest, stamp)) = inner.order.pop_front() else {
                break;
            };
            // Skip keys kept again since: their newer entry has its own place in the order.
            if inner
                .entries
                .get(&*oldest)
                .is_some_and(|e| e.stamp == stamp)
            {
                if let Some(gone) = inner.entries.remove(&*oldest) {
                    inner.bytes -= gone.size;
                }
            }
        }
        // Entries replaced in place leave stale keys behind: drop them once they dominate.
        if inner.order.len() > 2 * inner.entries.len() + 64 {
            let entries = &inner.entries;
            inner
                .order
                .retain(|(key, stamp)| entries.get(&**key).is_some_and(|e| e.stamp == *stamp));
        }
        value
    }

    /// Bytes and values kept now.
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.bytes, inner.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_stays_within_the_budget_and_the_oldest_go_first() {
        let kept = Kept::new(50);
        for key in 0..10 {
            kept.keep(key, key * 100, 10);
        }
        assert_eq!(kept.usage(), (50, 5));
        assert!(kept.get(&4).is_none());
        assert_eq!(*kept.get(&5).unwrap(), 500);
        // More than a quarter of the budget: not kept at all.
        kept.keep(42, 0, 13);
        assert!(kept.get(&42).is_none());
    }

    #[test]
    fn keeping_again_replaces_and_counts_once() {
        let kept = Kept::new(1000);
        for round in 0..500 {
            kept.keep("page", round, 7);
        }
        assert_eq!(kept.usage(), (7, 1));
        assert_eq!(*kept.get(&"page").unwrap(), 499);
        assert!(
            kept.lock().order.len() <= 2 + 64,
            "stale places in the order are dropped"
        );
    }
}
