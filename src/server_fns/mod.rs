//! Server functions: the browser's calls into the server. Each one is thin: parse, then the db.

pub mod todos;
