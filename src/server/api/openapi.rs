//! The OpenAPI 3.1 document, generated from the handlers and types by utoipa.

use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use super::{
    attachments::{self, ApiAttachment},
    error::{ErrorBody, ErrorDetail},
    todos::{self, ApiTodo, NewTodo, TodoPatch},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tick API",
        version = "1",
        description = "Manage your Tick to-dos from other programs. Todo-Backend compatible. \
            Authenticate with a personal API token from the settings page: \
            `Authorization: Bearer <token>`."
    ),
    paths(
        todos::list,
        todos::create,
        todos::delete_all,
        todos::get_one,
        todos::patch_one,
        todos::delete_one,
        attachments::list,
        attachments::upload,
        attachments::download,
        attachments::delete
    ),
    components(schemas(ApiTodo, NewTodo, TodoPatch, ApiAttachment, ErrorBody, ErrorDetail)),
    modifiers(&Security),
    tags(
        (name = "todos", description = "The caller's to-do list"),
        (name = "attachments", description = "Files attached to the caller's to-dos")
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token (`tick_…`) from the settings page",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::server::auth::session::COOKIE,
            ))),
        );
    }
}
