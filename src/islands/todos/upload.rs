//! Browser only: sends files with XMLHttpRequest, whose upload events give the progress that
//! `fetch` cannot, one request per file so each has its own bar and cancel button.

use std::sync::atomic::{AtomicU64, Ordering};

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{File, FileList, FormData, ProgressEvent, XmlHttpRequest};

use crate::{
    domain::{Attachment, TodoId},
    error::ErrorBody,
};

use super::{attachments::Upload, store::TodoStore};

static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

/// Starts uploading every file in `files` to `todo`.
pub fn send_all(todo: TodoId, files: FileList, store: TodoStore, uploads: RwSignal<Vec<Upload>>) {
    for index in 0..files.length() {
        if let Some(file) = files.get(index) {
            send(todo, file, store, uploads);
        }
    }
}

fn send(todo: TodoId, file: File, store: TodoStore, uploads: RwSignal<Vec<Upload>>) {
    let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    let Ok(xhr) = XmlHttpRequest::new() else {
        store.show_error("This browser cannot upload files.".into());
        return;
    };
    let percent = RwSignal::new(0u8);
    let request = StoredValue::new_local(xhr.clone());
    let cancel = Callback::new(move |()| {
        request.with_value(|xhr| {
            let _ = xhr.abort();
        });
    });
    uploads.update(|list| {
        list.push(Upload {
            key,
            name: file.name(),
            percent,
            cancel,
        })
    });
    let finish = move || uploads.update(|list| list.retain(|upload| upload.key != key));

    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            let done = (ev.loaded() / ev.total() * 100.0).clamp(0.0, 100.0);
            percent.set(done as u8);
        }
    });
    let on_end = {
        let xhr = xhr.clone();
        Closure::<dyn FnMut()>::new(move || {
            finish();
            let status = xhr.status().unwrap_or(0);
            let body = xhr.response_text().ok().flatten().unwrap_or_default();
            match status {
                201 => match serde_json::from_str::<Vec<Attachment>>(&body) {
                    Ok(stored) => store.attached(stored),
                    Err(_) => store
                        .show_error("The upload finished, but its reply was unreadable.".into()),
                },
                // Cancelled by the user: nothing to say.
                0 => {}
                _ => store.show_error(error_message(&body)),
            }
        })
    };

    let form = FormData::new().expect("FormData");
    let _ = form.append_with_blob_and_filename("file", &file, &file.name());
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    // The handlers must outlive this function; they stay allocated after the request (two
    // small closures per upload).
    on_progress.forget();
    on_end.forget();
    let url = format!("/todos/{}/attachments", todo.0);
    if xhr.open("POST", &url).is_err() || xhr.send_with_opt_form_data(Some(&form)).is_err() {
        store.show_error("The upload could not start.".into());
    }
}

/// The message of the server's refusal (an [`ErrorBody`]), or a general one.
fn error_message(body: &str) -> String {
    serde_json::from_str::<ErrorBody>(body)
        .map(|refusal| refusal.error.message)
        .unwrap_or_else(|_| "The upload failed. Please try again.".into())
}
