//! Delivery inside one process: each user with open streams has a broadcast channel; a change
//! goes to the channels of the users it names only. A stream that falls behind, or a feed that may have missed
//! changes, is told to resync.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use tokio::sync::broadcast;
use tower_sessions::session::Id;

use crate::domain::UserId;

use super::Change;

/// How many deliveries a stream may fall behind before it is told to resync.
const BACKLOG: usize = 64;

/// What a stream receives.
#[derive(Debug, Clone)]
pub enum Delivery {
    Change(Arc<Change>),
    /// Changes may have been missed: load the list again.
    Resync,
    /// The streams of this session (of every session, for `None`) end: it was signed out.
    End(Option<Id>),
}

/// The open streams of this process, by user.
pub struct Hub {
    channels: Mutex<HashMap<UserId, broadcast::Sender<Delivery>>>,
    max_per_user: usize,
}

/// One open stream's receiving end; leaving it closes the stream's place.
pub struct Subscription {
    hub: Arc<Hub>,
    user: UserId,
    receiver: broadcast::Receiver<Delivery>,
}

impl Hub {
    pub fn new(max_per_user: usize) -> Arc<Self> {
        Arc::new(Hub {
            channels: Mutex::default(),
            max_per_user,
        })
    }

    /// A poisoned lock only means a panic elsewhere; the map itself is always whole.
    fn channels(&self) -> MutexGuard<'_, HashMap<UserId, broadcast::Sender<Delivery>>> {
        self.channels.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn subscribe(self: &Arc<Self>, user: UserId) -> Option<Subscription> {
        let mut channels = self.channels();
        let sender = channels
            .entry(user)
            .or_insert_with(|| broadcast::channel(BACKLOG).0);
        if sender.receiver_count() >= self.max_per_user {
            return None;
        }
        let receiver = sender.subscribe();
        Some(Subscription {
            hub: self.clone(),
            user,
            receiver,
        })
    }

    /// Sends `change` to the streams in this process of the users it names.
    pub fn deliver(&self, change: Change) {
        let change = Arc::new(change);
        let channels = self.channels();
        for member in &change.members {
            if let Some(sender) = channels.get(member) {
                let _ = sender.send(Delivery::Change(change.clone()));
            }
        }
    }

    /// Ends the user's streams of `session` (all of them for `None`) in this process.
    pub fn end(&self, user: UserId, session: Option<Id>) {
        if let Some(sender) = self.channels().get(&user) {
            let _ = sender.send(Delivery::End(session));
        }
    }

    /// Tells every stream to resync (the feed may have missed changes).
    pub fn resync_all(&self) {
        for sender in self.channels().values() {
            let _ = sender.send(Delivery::Resync);
        }
    }

    /// Open streams in this process.
    pub fn streams(&self) -> usize {
        self.channels().values().map(|s| s.receiver_count()).sum()
    }
}

impl Subscription {
    /// The next delivery; `Resync` when this stream fell too far behind.
    pub async fn next(&mut self) -> Delivery {
        match self.receiver.recv().await {
            Ok(delivery) => delivery,
            Err(broadcast::error::RecvError::Lagged(_)) => Delivery::Resync,
            // The hub holds the sender for as long as a subscription exists.
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut channels = self.hub.channels();
        // This subscription's receiver still counts until after `drop`.
        if channels
            .get(&self.user)
            .is_some_and(|sender| sender.receiver_count() <= 1)
        {
            channels.remove(&self.user);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::events::{Kind, What};

    use crate::domain::ListId;

    /// A change to user `user`'s own list.
    fn change(user: i64, version: i64) -> Change {
        Change {
            list: ListId(user),
            members: vec![UserId(user)],
            version,
            what: What::new(Kind::TodosAdded, [version]),
        }
    }

    #[tokio::test]
    async fn a_change_reaches_only_its_users_streams() {
        let hub = Hub::new(4);
        let mut alice = hub.subscribe(UserId(1)).unwrap();
        let mut bob = hub.subscribe(UserId(2)).unwrap();
        hub.deliver(change(1, 5));
        hub.deliver(change(2, 9));
        let Delivery::Change(first) = alice.next().await else {
            panic!("a change")
        };
        assert_eq!(first.version, 5);
        let Delivery::Change(first) = bob.next().await else {
            panic!("a change")
        };
        assert_eq!((first.list, first.version), (ListId(2), 9));
    }

    #[tokio::test]
    async fn a_shared_lists_change_reaches_every_member_named() {
        let hub = Hub::new(4);
        let mut alice = hub.subscribe(UserId(1)).unwrap();
        let mut bob = hub.subscribe(UserId(2)).unwrap();
        let mut carol = hub.subscribe(UserId(3)).unwrap();
        let mut shared = change(1, 5);
        shared.members = vec![UserId(1), UserId(2)];
        hub.deliver(shared);
        hub.deliver(change(3, 1));
        for stream in [&mut alice, &mut bob] {
            let Delivery::Change(got) = stream.next().await else {
                panic!("a change")
            };
            assert_eq!((got.list, got.version), (ListId(1), 5));
        }
        let Delivery::Change(got) = carol.next().await else {
            panic!("a change")
        };
        assert_eq!(got.list, ListId(3), "carol is no member of list 1");
    }

    #[tokio::test]
    async fn streams_per_user_are_capped_and_freed() {
        let hub = Hub::new(2);
        let one = hub.subscribe(UserId(1)).unwrap();
        let _two = hub.subscribe(UserId(1)).unwrap();
        assert!(hub.subscribe(UserId(1)).is_none());
        assert!(hub.subscribe(UserId(2)).is_some());
        drop(one);
        assert!(hub.subscribe(UserId(1)).is_some());
    }

    #[tokio::test]
    async fn a_stream_that_falls_behind_is_told_to_resync() {
        let hub = Hub::new(1);
        let mut slow = hub.subscribe(UserId(1)).unwrap();
        for version in 0..(BACKLOG as i64 + 10) {
            hub.deliver(change(1, version));
        }
        assert!(matches!(slow.next().await, Delivery::Resync));
    }

    #[test]
    fn the_last_stream_of_a_user_removes_its_channel() {
        let hub = Hub::new(3);
        let a = hub.subscribe(UserId(1)).unwrap();
        let b = hub.subscribe(UserId(1)).unwrap();
        drop(a);
        assert_eq!(hub.streams(), 1);
        drop(b);
        assert!(hub.channels().is_empty());
    }
}
