//! The rules, once. Every door (server functions, plain form posts, the JSON API) is a thin
//! adapter over these: each operation takes the state, the acting user and parsed input,
//! applies the rules, runs its statements (a write in one transaction), and after the commit
//! publishes what changed to the user's event streams.

pub mod accounts;
pub mod attachments;
pub mod todos;
pub mod tokens;

use crate::{
    domain::UserId,
    error::AppError,
    server::{
        db::{users, Tx},
        events::{Change, What},
        state::AppState,
    },
};

/// Commits `tx`, then publishes `what` for `user` with the list version the commit left.
async fn commit(state: &AppState, mut tx: Tx, user: UserId, what: What) -> Result<(), AppError> {
    let version = users::list_version(tx.ex(), user).await?;
    tx.commit().await?;
    state
        .feed
        .publish(Change {
            user,
            version,
            what,
        })
        .await;
    Ok(())
}
