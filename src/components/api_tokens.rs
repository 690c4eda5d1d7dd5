//! The settings page's API tokens: the list (name, created, last used), create, revoke.

use leptos::{either::Either, html, prelude::*, server_fn::ServerFn};

use crate::{
    components::form_error::{use_form_error, FormError},
    domain::{NewToken, TokenView},
    error::AppError,
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
    let loaded: OnceResource<Result<TokenList, AppError>> = OnceResource::new(list_tokens());
    // After the first load, the list lives here and follows each create and revoke.
    let tokens = RwSignal::new(None::<Vec<TokenView>>);
    let created = RwSignal::new(None::<NewToken>);

    let create = ServerAction::<CreateToken>::new();
    let create_error = use_form_error(create);
    let name = NodeRef::<html::Input>::new();
    Effect::new(move || {
        if let Some(Ok(new)) = create.value().get() {
            tokens.update(|list| {
                if let Some(list) = list {
                    list.push(new.token.clone());
                }
            });
            created.set(Some(new));
            if let Some(name) = name.get_untracked() {
                name.set_value("");
            }
        }
    });
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = name.get() {
            create.dispatch(CreateToken {
                name: input.value(),
            });
        }
    };

    let revoke = ServerAction::<RevokeToken>::new();
    let revoke_error = use_form_error(revoke);
    let revoking = StoredValue::new(None::<i64>);
    Effect::new(move || {
        if let (Some(Ok(())), Some(id)) = (revoke.value().get(), revoking.get_value()) {
            tokens.update(|list| {
                if let Some(list) = list {
                    list.retain(|token| token.id != id);
                }
            });
        }
    });

    view! {
        <section class="settings-card" aria-labelledby="tokens-heading" id="tokens">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p>
                "Programs can manage your to-dos through Tick's API with a personal token. "
                <a href="/docs/api">"How to use the API"</a>
            </p>
            <form
                method="post"
                action=CreateToken::PATH
                class="auth-form token-create"
                on:submit=on_create
            >
                <div class="field">
                    <label for="token-name">"Token name"</label>
                    <input
                        id="token-name"
                        name="name"
                        type="text"
                        required
                        placeholder="My script"
                        autocomplete="off"
                        node_ref=name
                    />
                </div>
                <FormError error=create_error />
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    "Create token"
                </button>
            </form>
            <Suspense>
                {move || Suspend::new(async move {
                    let list = loaded.await;
                    match list {
                        Ok(TokenList { tokens: first, created: from_form }) => {
                            if tokens.get_untracked().is_none() {
                                tokens.set(Some(first));
                                if from_form.is_some() {
                                    created.set(from_form);
                                }
                            }
                            Either::Left(
                                view! {
                                    <NewTokenNotice created />
                                    <TokenTable tokens revoke revoking />
                                    <FormError error=revoke_error />
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
fn NewTokenNotice(created: RwSignal<Option<NewToken>>) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let Some(secret) = created.with_untracked(|new| new.as_ref().map(|n| n.secret.clone()))
        else {
            return;
        };
        copy_to_clipboard(secret, copied);
    };
    move || {
        created.get().map(|new| {
            view! {
                <div class="new-token" role="status">
                    <p>
                        "Your new token “" {new.token.name} "”. Copy it now: it will not be shown again."
                    </p>
                    <div class="token-secret-row">
                        <code class="token-secret">{new.secret}</code>
                        <button type="button" class="copy" on:click=copy>
                            {move || match copied.get() {
                                Some(true) => "Copied",
                                Some(false) => "Select and copy it by hand",
                                None => "Copy",
                            }}
                        </button>
                    </div>
                </div>
            }
        })
    }
}

fn copy_to_clipboard(secret: String, copied: RwSignal<Option<bool>>) {
    #[cfg(feature = "hydrate")]
    {
        let promise = window().navigator().clipboard().write_text(&secret);
        leptos::task::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(done));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        // The button only works in the browser.
        let _ = (secret, copied);
    }
}

#[component]
fn TokenTable(
    tokens: RwSignal<Option<Vec<TokenView>>>,
    revoke: ServerAction<RevokeToken>,
    revoking: StoredValue<Option<i64>>,
) -> impl IntoView {
    move || {
        let list = tokens.get().unwrap_or_default();
        if list.is_empty() {
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
                    {list
                        .into_iter()
                        .map(|token| {
                            let id = token.id;
                            let label = format!("Revoke {}", token.name);
                            view! {
                                <tr>
                                    <td>{token.name}</td>
                                    <td>{when(&token.created_at)}</td>
                                    <td>
                                        {token.last_used_at.as_deref().map_or_else(|| "Never".to_owned(), when)}
                                    </td>
                                    <td>
                                        <form
                                            method="post"
                                            action=RevokeToken::PATH
                                            on:submit=move |ev: leptos::ev::SubmitEvent| {
                                                ev.prevent_default();
                                                revoking.set_value(Some(id));
                                                revoke.dispatch(RevokeToken { id });
                                            }
                                        >
                                            <input type="hidden" name="id" value=id />
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
}
