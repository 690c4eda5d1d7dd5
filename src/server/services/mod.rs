//! The rules, once. Every door (server functions, plain form posts, the JSON API) is a thin
//! adapter over these: each operation takes the state, the acting user and parsed input,
//! applies the rules, runs its statements (a write in one transaction), and after the commit
//! publishes what changed to the event streams of the list's members.

pub mod accounts;
pub mod attachments;
pub mod lists;
pub mod todos;
pub mod tokens;

use crate::{
    domain::{ListId, UserId},
    error::AppError,
    server::{
        db::{self, Tx},
        events::{Change, What},
        state::AppState,
    },
};

/// Commits `tx`, then publishes `what` to the list's members (read in `tx`) and to `also`
/// (people the change took off it), with the list version the commit left.
async fn commit(
    state: &AppState,
    mut tx: Tx,
    list: ListId,
    also: &[UserId],
    what: What,
) -> Result<(), AppError> {
    let version = db::lists::version(tx.ex(), list).await?.unwrap_or(0);
    let mut members = db::lists::member_ids(tx.ex(), list).await?;
    for user in also {
        if !members.contains(user) {
            members.push(*user);
        }
    }
    tx.commit().await?;
    state
        .feed
        .publish(Change {
            list,
            members,
            version,
            what,
        })
        .await;
    Ok(())
}
