//! Integration tests: the real server on port 0 with a fresh database, called over HTTP.
//! Every case that involves the database runs twice, on SQLite and on PostgreSQL; the process
//! tests (signals, a full disk) start the real binary.

mod accounts;
mod attachments;
mod backup;
mod cli;
mod connections;
mod disk;
mod events;
mod form_errors;
mod helpers;
mod lists;
mod lists_api;
mod many_nodes;
mod outages;
mod page_cache;
mod pages;
mod rest;
mod security;
mod sessions_hardening;
mod shutdown;
mod storage_copy;
mod stores;
mod throttles;
mod todos;
mod tokens_hardening;
mod upgrade;
mod uploads_hardening;
