//! The OpenAPI 3.1 document, generated from the handlers and types by utoipa.

use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use super::{
    attachments::{self, ApiAttachment},
    error::{ErrorBody, ErrorDetail},
    lists::{self, ApiList, ListNameBody},
    members::{self, MemberPatch, NewMember},
    todos::{in_list, inbox, ApiTodo, NewTodo, TodoPatch},
};
use crate::domain::{Member, Role};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tick API",
        version = "1",
        description = "Manage your Tick to-dos and lists from other programs. `/api/v1/todos` \
            is your Inbox, Todo-Backend compatible; every list you are a member of has the same \
            operations at `/api/v1/lists/{id}/todos`. Authenticate with a personal API token from the settings page: \
            `Authorization: Bearer <token>`."
    ),
    paths(
        inbox::list,
        inbox::create,
        inbox::delete_all,
        inbox::get_one,
        inbox::patch_one,
        inbox::delete_one,
        lists::all,
        lists::create,
        lists::get_one,
        lists::rename,
        lists::delete,
        in_list::list,
        in_list::create,
        in_list::delete_all,
        in_list::get_one,
        in_list::patch_one,
        in_list::delete_one,
        members::list,
        members::add,
        members::set_role,
        members::remove,
        attachments::list,
        attachments::upload,
        attachments::download,
        attachments::delete
    ),
    components(schemas(
        ApiTodo,
        NewTodo,
        TodoPatch,
        ApiList,
        ListNameBody,
        Member,
        Role,
        NewMember,
        MemberPatch,
        ApiAttachment,
        ErrorBody,
        ErrorDetail
    )),
    modifiers(&Security),
    tags(
        (name = "todos", description = "The caller's Inbox"),
        (name = "lists", description = "The caller's lists (their own and those shared with them) and their to-dos"),
        (name = "members", description = "Who a list is shared with, and as what"),
        (name = "attachments", description = "Files attached to to-dos on the caller's lists")
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
