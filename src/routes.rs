//! The app's addresses, in one place below the views, the server functions and the router
//! that use them.

/// Where a signed-in user lands.
pub const HOME: &str = "/";
/// Where visitors who are not signed in are sent.
pub const LOG_IN: &str = "/login";
pub const SIGN_UP: &str = "/signup";
pub const SETTINGS: &str = "/settings";
pub const API_DOCS: &str = "/docs/api";
/// Server-Sent Events of the signed-in user's changes (see `server/events`).
pub const EVENTS: &str = "/events";
