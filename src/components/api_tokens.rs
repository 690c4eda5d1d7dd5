//! The settings page's API tokens: the list (name, created, last used), create, revoke.
//!
//! Plain forms: a new token's secret waits in the session for the page the server sends the
//! browser back to, which shows it this once.

use leptos::{either::Either, prelude::*, server_fn::ServerFn};

use crate::{
    components::form_error::{error_in_address, FormError},
    domain::{NewToken, TokenView},
    islands::copy_button::CopyButton,
    server_fns::tokens::{list_tokens, CreateToken, RevokeToken, TokenList},
};

/// `2026-11-25T08:30:00Z` as `2026-11-25 08:30 UTC`.
fn when(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => timestamp.to_owned(),
    }
}

#[component]
pub fn ApiTokens() -> impl IntoView {
    let loaded = OnceResource::new(list_tokens());

    view! {
        <section class="settings-card" aria-labelledby="tokens-heading" id="tokens">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p>
                "Programs can manage your to-dos through Tick's API with a personal token. "
                <a href="/docs/api">"How to use the API"</a>
            </p>
            <form method="post" action=CreateToken::PATH class="auth-form token-create">
                <div class="field">
                    <label for="token-name">"Token name"</label>
                    <input
                        id="token-name"
                        name="name"
                        type="text"
                        required
                        placeholder="My script"
                        autocomplete="off"
                    />
                </div>
                <FormError error=error_in_address(CreateToken::PATH) />
                <button type="submit" class="primary">
                    "Create token"
                </button>
            </form>
            <Suspense>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(TokenList { tokens, created }) => {
                            Either::Left(
                                view! {
                                    {created.map(|created| view! { <NewTokenNotice created /> })}
                                    <TokenTable tokens />
                                    <FormError error=error_in_address(RevokeToken::PATH) />
                                },
                            )
                        }
                        Err(err) => {
                            Either::Right(
                                view! {
                                    <p class="form-error" role="alert">
                                        {err.to_string()}
                                    </p>
                                },
                            )
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The secret of a token just made, shown this once, with a copy button.
#[component]
fn NewTokenNotice(created: NewToken) -> impl IntoView {
    let NewToken { secret, token } = created;
    view! {
        <div class="new-token" role="status">
            <p>"Your new token “" {token.name} "”. Copy it now: it will not be shown again."</p>
            <div class="token-secret-row">
                <code class="token-secret">{secret.clone()}</code>
                <CopyButton text=secret />
            </div>
        </div>
    }
}

#[component]
fn TokenTable(tokens: Vec<TokenView>) -> impl IntoView {
    if tokens.is_empty() {
        return Either::Left(view! { <p class="no-tokens">"You have no tokens yet."</p> });
    }
    Either::Right(view! {
        <table class="token-list">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {tokens
                    .into_iter()
                    .map(|token| {
                        let label = format!("Revoke {}", token.name);
                        view! {
                            <tr>
                                <td>{token.name}</td>
                                <td>{when(&token.created_at)}</td>
                                <td>
                                    {token.last_used_at.as_deref().map_or_else(|| "Never".to_owned(), when)}
                                </td>
                                <td>
                                    <form method="post" action=RevokeToken::PATH>
                                        <input type="hidden" name="id" value=token.id />
                                        <button type="submit" class="revoke" aria-label=label>
                                            "Revoke"
                                        </button>
                                    </form>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}
