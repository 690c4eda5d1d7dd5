//! Tick: a to-do list rendered on the server; its interactive parts (islands) hydrate in the
//! browser.

pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod islands;
pub mod pages;
pub mod routes;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod server;

/// The browser entry point: readies the reactive system; Leptos's script then hydrates each
/// island on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console, while developing: in release builds the hook's formatting
    // would cost the Wasm budget more than it tells a user.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
