//! Browser only: keeps the list live. The server sends the list's changes as Server-Sent
//! Events (`/events?list=`); each says only "the list is now at version N" (or "resync", or
//! "revoked" when the list is gone or no longer shared), and the store reloads the list when it
//! is behind.
//!
//! Browsers open at most six connections to one host over HTTP/1.1, so ten tabs with a stream
//! each would starve page loads. One tab per list holds the stream instead: whichever holds the
//! Web Lock `tick-events-{list}` (for as long as it lives) opens it and passes every event to the other tabs
//! over a BroadcastChannel. When that tab closes, the lock passes to another, which opens the
//! stream again. Without Web Locks (an insecure origin), each tab opens its own.
//!
//! A tab that starts listening may have missed a change told before it did (it was rendered
//! just before): it says `hello`, and the holder answers with the newest version it heard. A
//! tab that takes the stream over tells the others its version too.

use std::{cell::Cell, rc::Rc};

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{BroadcastChannel, EventSource, MessageEvent};

use crate::routes::EVENTS;

use super::store::TodoStore;

/// The lock and the channel, shared by every Tick tab of this browser that shows the list.
fn name(store: TodoStore) -> String {
    format!("tick-events-{}", store.list_id())
}
/// After the browser gives up on a stream (the server answered with an error), try again.
const RETRY_MS: i32 = 5_000;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    type LockManager;

    #[wasm_bindgen(method)]
    fn request(this: &LockManager, name: &str, callback: &js_sys::Function) -> js_sys::Promise;
}

/// Every handler here takes one value and returns one: one closure type, one copy of its glue
/// in the Wasm.
type Handler = Closure<dyn FnMut(JsValue) -> JsValue>;

/// `handler` as a JavaScript function that lives as long as the page.
fn function(handler: impl FnMut(JsValue) -> JsValue + 'static) -> js_sys::Function {
    Handler::new(handler).into_js_value().unchecked_into()
}

/// The newest version this tab's stream told of; set only in the tab that holds the stream.
type Newest = Rc<Cell<Option<i64>>>;

/// Starts listening: as the stream's holder when this tab gets the lock, and to the holder's
/// messages meanwhile.
pub fn start(store: TodoStore) {
    let name = name(store);
    let channel = BroadcastChannel::new(&name).ok();
    let newest = Newest::default();
    if let Some(channel) = &channel {
        let (answer, newest) = (channel.clone(), newest.clone());
        channel.set_onmessage(Some(&function(move |ev| {
            if let Some(text) = ev.unchecked_into::<MessageEvent>().data().as_string() {
                match (text.as_str(), newest.get()) {
                    ("hello", Some(version)) => tell(&answer, &format!("change:{version}")),
                    _ => heard(store, &text),
                }
            }
            JsValue::UNDEFINED
        })));
        tell(channel, "hello");
    }
    let locks = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("locks"))
        .ok()
        .filter(|locks| !locks.is_undefined())
        .map(JsCast::unchecked_into::<LockManager>);
    match locks {
        // Runs once this tab holds the lock; the promise it returns never settles, so the lock
        // is held until the tab goes away.
        Some(locks) => {
            let mut channel = Some(channel);
            let hold = function(move |_lock| {
                if let Some(channel) = channel.take() {
                    open(store, channel, newest.clone());
                }
                js_sys::Promise::new(&mut |_, _| {}).into()
            });
            let _ = locks.request(&name, &hold);
        }
        None => open(store, None, newest),
    }
}

/// Posts `message` to the other tabs.
fn tell(channel: &BroadcastChannel, message: &str) {
    let _ = channel.post_message(&JsValue::from_str(message));
}

/// A message from the stream or another tab: `change:N`, `resync:N` or `revoked:`.
fn heard(store: TodoStore, message: &str) {
    let (kind, version) = message.split_once(':').unwrap_or((message, ""));
    match kind {
        "change" => store.heard(version.parse().ok()),
        "resync" => store.resync(),
        "revoked" => store.revoke(),
        _ => {}
    }
}

/// Opens the stream and passes what it hears to this tab's store and to `channel`.
fn open(store: TodoStore, channel: Option<BroadcastChannel>, newest: Newest) {
    let version = store.version();
    newest.set(newest.get().max(Some(version)));
    // Tabs that were behind this one when it took the stream over catch up now.
    if let Some(channel) = &channel {
        tell(channel, &format!("change:{version}"));
    }
    let url = format!("{EVENTS}?list={}&since={version}", store.list_id());
    let Ok(source) = EventSource::new(&url) else {
        return;
    };
    for kind in ["change", "resync", "revoked"] {
        let (channel, newest) = (channel.clone(), newest.clone());
        let this = source.clone();
        let relay = function(move |ev| {
            // Nothing more will come for this list: no reconnecting either.
            if kind == "revoked" {
                this.close();
            }
            let id = ev.unchecked_into::<MessageEvent>().last_event_id();
            if let Ok(version) = id.parse() {
                newest.set(Some(version));
            }
            let message = format!("{kind}:{id}");
            heard(store, &message);
            if let Some(channel) = &channel {
                tell(channel, &message);
            }
            JsValue::UNDEFINED
        });
        let _ = source.add_event_listener_with_callback(kind, &relay);
    }
    // The browser retries a dropped connection by itself (sending `Last-Event-ID`); after an
    // error answer it stops for good, so start a new stream a little later.
    let on_error = {
        let source = source.clone();
        function(move |_| {
            if source.ready_state() == EventSource::CLOSED {
                let mut channel = Some(channel.clone());
                let newest = newest.clone();
                let again = function(move |_| {
                    if let Some(channel) = channel.take() {
                        open(store, channel, newest.clone());
                    }
                    JsValue::UNDEFINED
                });
                let _ = window()
                    .set_timeout_with_callback_and_timeout_and_arguments_0(&again, RETRY_MS);
            }
            JsValue::UNDEFINED
        })
    };
    source.set_onerror(Some(&on_error));
}
