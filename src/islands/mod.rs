//! The interactive parts of pages, hydrated in the browser as islands. Everything else on a
//! page is HTML from the server, so only the code reachable from here goes into the Wasm.

pub mod copy_button;
pub mod todos;

use leptos::prelude::*;

/// Whether an island runs in the browser yet: not on the server, and not until it has hydrated.
/// Each island shows it as `data-hydrated` on its outer element; the stylesheet uses it to hide
/// the controls that only forms without JavaScript need, and the browser tests wait for it.
#[derive(Clone, Copy)]
pub struct Hydrated(ReadSignal<bool>);

impl Hydrated {
    /// Starts out `false`; turns `true` once the island has hydrated.
    pub fn watch() -> Self {
        let (hydrated, set_hydrated) = signal(false);
        // Effects run only in the browser, after hydration.
        Effect::new(move || set_hydrated.set(true));
        Hydrated(hydrated)
    }

    pub fn get(self) -> bool {
        self.0.get()
    }

    /// The value of `data-hydrated`.
    pub fn attr(self) -> &'static str {
        if self.get() {
            "true"
        } else {
            "false"
        }
    }
}

/// The browser's address bar, history and title. Called from event handlers only, which run
/// in the browser alone.
pub mod browser {
    use leptos::prelude::{document, window};
    use leptos::wasm_bindgen::JsValue;

    /// Shows `path` in the address bar as a new history entry, without loading it.
    pub fn push(path: &str) {
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(path));
        }
    }

    /// Shows `path` in the address bar in place of the current entry, without loading it.
    pub fn replace(path: &str) {
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(path));
        }
    }

    /// The path of the address in the address bar.
    pub fn path() -> String {
        window().location().pathname().unwrap_or_default()
    }

    pub fn set_title(title: &str) {
        document().set_title(title);
    }
}
