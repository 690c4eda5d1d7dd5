//! Tick: a to-do list rendered on the server and hydrated in the browser.

pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
pub mod server_fns;
pub mod state;

#[cfg(feature = "ssr")]
pub mod server;

/// The browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
