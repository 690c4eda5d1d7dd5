//! A to-do's attachments: the list (preview, name, size, type, delete) and the upload form, a
//! paperclip beside the row's other buttons. Without JavaScript the form posts the files and the
//! page reloads with them; with it, files picked or dropped on the to-do upload at once, each
//! with a progress bar and a cancel button.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    domain::{human_size, Attachment, TodoId},
    server_fns::attachments::DeleteAttachment,
};

use super::store::TodoStore;

/// An upload in progress.
#[derive(Clone)]
pub struct Upload {
    /// Tells uploads apart; only the browser makes them.
    #[cfg(feature = "hydrate")]
    pub key: u64,
    pub name: String,
    pub percent: RwSignal<u8>,
    pub cancel: Callback<()>,
}

#[component]
pub fn Attachments(
    todo: TodoId,
    title: String,
    store: TodoStore,
    uploads: RwSignal<Vec<Upload>>,
) -> impl IntoView {
    let attach_label = format!("Attach files to: {title}");
    let upload_url = format!("/todos/{}/attachments", todo.0);
    let listed = move || {
        store
            .attachments_of(todo)
            .into_iter()
            .map(|attachment| view! { <AttachmentRow attachment store /> })
            .collect_view()
    };
    let in_progress = move || {
        uploads
            .get()
            .into_iter()
            .map(|upload| {
                let label = format!("Uploading {}", upload.name);
                let cancel_label = format!("Cancel the upload of {}", upload.name);
                view! {
                    <li class="upload">
                        <span class="attachment-name">{upload.name.clone()}</span>
                        <progress max="100" value=move || upload.percent.get() aria-label=label></progress>
                        <span class="upload-percent">{move || format!("{}%", upload.percent.get())}</span>
                        <button
                            type="button"
                            class="upload-cancel"
                            aria-label=cancel_label
                            on:click=move |_| upload.cancel.run(())
                        >
                            "Cancel"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    // Only the hydrated app sees this event; without JavaScript the form posts the files.
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(files) = input.files() {
                super::upload::send_all(todo, files, store, uploads);
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, store, uploads);
    };

    view! {
        // The form comes first: its paperclip sits beside the row's buttons (the stylesheet
        // places it), so it is next in the focus order too.
        <div class="attachments">
            <form
                class="attach-form"
                method="post"
                action=upload_url
                enctype="multipart/form-data"
            >
                // A paperclip (drawn by the stylesheet) that opens the picker: the input inside it
                // is hidden from sight only, so it keeps its name, its focus and the form post.
                <label class="attach-button" title="Attach files">
                    <input
                        class="attach-input visually-hidden"
                        type="file"
                        name="file"
                        multiple
                        aria-label=attach_label
                        on:change=on_pick
                    />
                </label>
                <button type="submit" class="attach-submit">
                    "Upload"
                </button>
            </form>
            <ul class="attachment-list">{listed} {in_progress}</ul>
        </div>
    }
}

#[component]
fn AttachmentRow(attachment: Attachment, store: TodoStore) -> impl IntoView {
    let url = attachment.url();
    let id = attachment.id;
    let preview = attachment.is_image().then(|| {
        view! {
            <img
                class="attachment-preview"
                src=format!("{url}?inline=true")
                alt=""
                width="40"
                height="40"
                loading="lazy"
            />
        }
    });
    let meta = format!(
        "{} · {}",
        human_size(attachment.size_bytes),
        attachment.content_type
    );
    let delete_label = format!("Delete the attachment {}", attachment.file_name);
    view! {
        <li class="attachment">
            {preview}
            <a class="attachment-name" href=url.clone() download=attachment.file_name.clone()>
                {attachment.file_name.clone()}
            </a>
            <span class="attachment-meta">{meta}</span>
            <form
                method="post"
                action=DeleteAttachment::PATH
                class="attachment-delete-form"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    store.delete_attachment(id);
                }
            >
                <input type="hidden" name="id" value=id />
                <button type="submit" class="attachment-delete" aria-label=delete_label>
                    "×"
                </button>
            </form>
        </li>
    }
}
