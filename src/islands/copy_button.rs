//! A button that copies a text (a new API token's secret) to the clipboard.

use leptos::prelude::*;

use crate::islands::use_hydrated;

/// Says "Copied" once the text is on the clipboard, or asks for it to be copied by hand when
/// the browser refuses.
#[island]
pub fn CopyButton(text: String) -> impl IntoView {
    let hydrated = use_hydrated();
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
        <button type="button" class="copy" data-hydrated=hydrated on:click=copy>
            {move || match copied.get() {
                Some(true) => "Copied",
                Some(false) => "Select and copy it by hand",
                None => "Copy",
            }}
        </button>
    }
}
