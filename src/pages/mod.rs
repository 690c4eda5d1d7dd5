//! One routed page per module.

pub mod not_found;
pub mod todos;
