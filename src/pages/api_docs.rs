//! `/docs/api`: how other programs use Tick's JSON API, with curl examples.

use leptos::prelude::*;
use leptos_meta::Title;

const ROUTES: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/api/v1/todos",
        "Your Inbox's to-dos in order. Optional: ?completed=true|false, ?limit=1…1000, ?offset=n",
    ),
    (
        "POST",
        "/api/v1/todos",
        "Add one: {\"title\": …, \"completed\"?: …, \"order\"?: …} → 201 and Location",
    ),
    ("DELETE", "/api/v1/todos", "Delete all of your to-dos → 204"),
    ("GET", "/api/v1/todos/{id}", "One to-do"),
    (
        "PATCH",
        "/api/v1/todos/{id}",
        "Change any of title, completed, order",
    ),
    ("DELETE", "/api/v1/todos/{id}", "Delete one → 204"),
    (
        "GET",
        "/api/v1/lists",
        "Your lists: {id, name, role, owner, url, todos_url}, your Inbox first",
    ),
    (
        "POST",
        "/api/v1/lists",
        "Make one: {\"name\": …} → 201 and Location",
    ),
    (
        "GET · PATCH · DELETE",
        "/api/v1/lists/{id}",
        "One list; PATCH {\"name\"} renames, DELETE deletes it with its to-dos (owner only)",
    ),
    (
        "GET · POST · DELETE",
        "/api/v1/lists/{id}/todos",
        "A list's to-dos, as /api/v1/todos does for the Inbox (writes: owner or editor)",
    ),
    (
        "GET · PATCH · DELETE",
        "/api/v1/lists/{id}/todos/{todo}",
        "One to-do of the list",
    ),
    (
        "GET · POST",
        "/api/v1/lists/{id}/members",
        "Who shares it; POST {\"username\", \"role\": \"editor\"|\"viewer\"} (owner only)",
    ),
    (
        "PATCH · DELETE",
        "/api/v1/lists/{id}/members/{username}",
        "Change a role (owner), remove a member (owner), or leave (yourself)",
    ),
];

const EXAMPLE: &str = r#"export TICK=http://127.0.0.1:3000 TOKEN=tick_…   # your address and token

# Add a to-do
curl -s -X POST "$TICK/api/v1/todos" \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d '{"title": "Buy milk"}'

# List the ones still open
curl -s "$TICK/api/v1/todos?completed=false" -H "Authorization: Bearer $TOKEN"

# Mark one done, through its url
curl -s -X PATCH "$TICK/api/v1/todos/1" \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d '{"completed": true}'"#;

const TODO_JSON: &str = r#"{
  "id": 1,
  "title": "Buy milk",
  "completed": false,
  "order": 1,
  "url": "http://127.0.0.1:3000/api/v1/todos/1",
  "created_at": "2026-11-25T08:30:00Z",
  "updated_at": "2026-11-25T08:30:00Z"
}"#;

#[component]
pub fn ApiDocsPage() -> impl IntoView {
    view! {
        <Title text="API · Tick" />
        <main class="settings-page docs">
            <h1>"Tick's JSON API"</h1>
            <p class="back">
                <a href="/settings">"← Settings"</a>
            </p>
            <section class="settings-card">
                <h2>"Authentication"</h2>
                <p>
                    "Create a personal token on the " <a href="/settings#tokens">"settings page"</a>
                    " and send it with every request: " <code>"Authorization: Bearer tick_…"</code>
                    ". Without it, or with a revoked one, the answer is 401. The API is open to other origins (CORS), without cookies."
                </p>
            </section>
            <section class="settings-card">
                <h2>"Routes"</h2>
                <table class="token-list">
                    <thead>
                        <tr>
                            <th scope="col">"Method"</th>
                            <th scope="col">"Path"</th>
                            <th scope="col">"What it does"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {ROUTES
                            .iter()
                            .map(|(method, path, what)| {
                                view! {
                                    <tr>
                                        <td>
                                            <code>{*method}</code>
                                        </td>
                                        <td>
                                            <code>{*path}</code>
                                        </td>
                                        <td>{*what}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <p>"A to-do looks like this; its " <code>"url"</code> " works with GET, PATCH and DELETE:"</p>
                <pre>
                    <code>{TODO_JSON}</code>
                </pre>
                <p>
                    "Errors are " <code>"{\"error\": {\"code\": …, \"message\": …}}"</code>
                    ": 400 malformed JSON, 401, 404 (also for someone else's to-do), 413 too large, 415 not JSON, 422 invalid fields (with "
                    <code>"fields"</code> ")."
                </p>
                <p>
                    "The whole contract, machine-readable: "
                    <a href="/api/v1/openapi.json" rel="external">"OpenAPI 3.1 document"</a> "."
                </p>
            </section>
            <section class="settings-card">
                <h2>"Example with curl"</h2>
                <pre>
                    <code>{EXAMPLE}</code>
                </pre>
            </section>
        </main>
    }
}
