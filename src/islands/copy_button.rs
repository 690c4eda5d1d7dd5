//! A button that copies a text (a new API token's secret) to the clipboard.

use leptos::prelude::*;

use crate::islands::Hydrated;

/// Says "Copied" once the text is on the clipboard, or asks for it to be copied by hand when
/// the browser refuses. Disabled until it can work: without JavaScript, and until hydrated.
#[island]
pub fn CopyButton(text: String) -> impl IntoView {
    let hydrated = Hydrated::watch();
    let copied = RwSignal::new(None::<bool>);
    let text = StoredValue::new(text);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let promise = window()
                .navigator()
                .clipboard()
                .write_text(&text.get_value());
            leptos::task::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(Some(done));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (text, copied);
    };

    view! {
        <button
            type="button"
            class="copy"
            data-hydrated=move || hydrated.attr()
            disabled=move || !hydrated.get()
            on:click=copy
        >
            {move || match copied.get() {
                Some(true) => "Copied",
                Some(false) => "Select and copy it by hand",
                None => "Copy",
            }}
        </button>
    }
}
