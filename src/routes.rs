//! The whole URL map in one place. Staff routes are declared in one table with the access each
//! needs; the access check is attached from that table, and the access-matrix test walks it, so
//! a new staff route cannot be added without both.

use actix_web::{
    guard,
    http::Method,
    middleware::from_fn,
    web::{self, ServiceConfig},
};

use crate::{
    accounts,
    admin::handlers as admin,
    dashboard::{moderation_queue, start},
    health, ideas,
    ideas::link_renewal,
    legal::handlers as legal,
    moderation, monitoring,
    notifications::handlers as outbox,
    participation::{goal_page, round_page, strategy_page},
    personal_data,
    rounds::{editor, home, lifecycle, manage_list, subscriptions},
    strategy::{fields, goals, measures, strategies},
    surveys,
    web::{
        access::{self, Access},
        static_files,
    },
    workshops,
};

/// A staff route as the access-matrix test sees it.
#[derive(Clone, Copy, Debug)]
pub struct StaffRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

macro_rules! staff_routes {
    ($($method:ident $path:literal $access:ident => $handler:path;)*) => {
        /// Every route under `/manage` with the access it needs.
        pub const STAFF_ROUTES: &[StaffRoute] = &[
            $(StaffRoute { method: stringify!($method), path: $path, access: Access::$access },)*
        ];

        fn staff(cfg: &mut ServiceConfig) {
            $(
                cfg.service(
                    web::resource($path)
                        .guard(method(Method::$method))
                        .wrap(from_fn(|req, next| access::require(Access::$access, req, next)))
                        .to($handler),
                );
            )*
        }
    };
}

staff_routes! {
    GET "/manage" Staff => start::start;
    GET "/manage/municipalities" Admin => admin::municipalities;
    POST "/manage/municipalities" Admin => admin::create_municipality;
    GET "/manage/municipalities/{id}" Admin => admin::edit_municipality;
    POST "/manage/municipalities/{id}" Admin => admin::update_municipality;
    GET "/manage/users" Admin => admin::users;
    POST "/manage/users/invite" Admin => admin::invite;
    POST "/manage/roles/{id}/revoke" Admin => admin::revoke;
    GET "/manage/audit" Admin => admin::audit;
    GET "/manage/rounds" Coordinator => manage_list::manage_list;
    GET "/manage/rounds/new" Coordinator => editor::new_form;
    POST "/manage/rounds/new" Coordinator => editor::create;
    GET "/manage/rounds/{id}" Coordinator => editor::edit_form;
    POST "/manage/rounds/{id}" Coordinator => editor::update;
    GET "/manage/rounds/{id}/preview" Coordinator => round_page::preview;
    POST "/manage/rounds/{id}/publish" Coordinator => lifecycle::publish;
    POST "/manage/rounds/{id}/unschedule" Coordinator => lifecycle::unschedule;
    POST "/manage/rounds/{id}/close" Coordinator => lifecycle::close_round;
    POST "/manage/rounds/{id}/reopen" Coordinator => lifecycle::reopen;
    POST "/manage/rounds/{id}/evaluate" Coordinator => lifecycle::evaluate;
    GET "/manage/outbox" Admin => outbox::outbox;
    POST "/manage/outbox/{id}/retry" Admin => outbox::retry;
    GET "/manage/strategies" Coordinator => strategies::strategies;
    POST "/manage/strategies" Coordinator => strategies::create_strategy;
    GET "/manage/strategies/{id}" Coordinator => strategies::edit_strategy;
    POST "/manage/strategies/{id}" Coordinator => strategies::update_strategy;
    POST "/manage/strategies/{id}/fields" Coordinator => fields::create_field;
    GET "/manage/fields/{id}" Coordinator => fields::edit_field;
    POST "/manage/fields/{id}" Coordinator => fields::update_field;
    POST "/manage/fields/{id}/move" Coordinator => fields::move_field;
    POST "/manage/fields/{id}/goals" Coordinator => goals::create_goal;
    GET "/manage/goals/{id}" Coordinator => goals::edit_goal;
    POST "/manage/goals/{id}" Coordinator => goals::update_goal;
    POST "/manage/goals/{id}/move" Coordinator => goals::move_goal;
    POST "/manage/goals/{id}/archive" Coordinator => goals::archive_goal;
    POST "/manage/goals/{id}/restore" Coordinator => goals::restore_goal;
    POST "/manage/goals/{id}/measures" Coordinator => measures::create_measure;
    GET "/manage/measures/{id}" Coordinator => measures::edit_measure;
    POST "/manage/measures/{id}" Coordinator => measures::update_measure;
    POST "/manage/measures/{id}/move" Coordinator => measures::move_measure;
    GET "/manage/municipalities/{id}/areas" Coordinator => monitoring::areas::areas;
    POST "/manage/municipalities/{id}/areas" Coordinator => monitoring::areas::create_area;
    GET "/manage/areas/{id}" Coordinator => monitoring::areas::edit_area;
    POST "/manage/areas/{id}" Coordinator => monitoring::areas::update_area;
    POST "/manage/areas/{id}/delete" Coordinator => monitoring::areas::delete_area;
    GET "/manage/monitoring" Coordinator => monitoring::overview::overview;
    GET "/manage/indicators" Admin => monitoring::indicators::instance_indicators;
    POST "/manage/indicators" Admin => monitoring::indicators::create_instance_indicator;
    GET "/manage/municipalities/{id}/indicators" Coordinator => monitoring::indicators::municipality_indicators;
    POST "/manage/municipalities/{id}/indicators" Coordinator => monitoring::indicators::create_municipality_indicator;
    GET "/manage/indicators/{id}" Coordinator => monitoring::indicators::edit_indicator;
    POST "/manage/indicators/{id}" Coordinator => monitoring::indicators::update_indicator;
    POST "/manage/indicators/{id}/delete" Coordinator => monitoring::indicators::delete_indicator;
    GET "/manage/goals/{id}/indicators" Coordinator => monitoring::adoption::goal_indicators;
    POST "/manage/goals/{id}/indicators" Coordinator => monitoring::adoption::adopt;
    POST "/manage/goals/{id}/indicators/remove" Coordinator => monitoring::adoption::remove;
    GET "/manage/indicators/{id}/values" Coordinator => monitoring::values::values;
    POST "/manage/indicators/{id}/values" Coordinator => monitoring::values::enter_value;
    POST "/manage/indicator-values/{id}/delete" Coordinator => monitoring::values::delete_value;
    GET "/manage/municipalities/{id}/import" Coordinator => monitoring::import::import_form;
    POST "/manage/municipalities/{id}/import" Coordinator => monitoring::import::upload;
    GET "/manage/imports/{id}" Coordinator => monitoring::import::preview;
    POST "/manage/imports/{id}" Coordinator => monitoring::import::confirm;
    GET "/manage/boards" Coordinator => ideas::manage_boards::manage_boards;
    POST "/manage/boards" Coordinator => ideas::manage_boards::create_board;
    GET "/manage/boards/{id}" Coordinator => ideas::manage_boards::edit_board;
    POST "/manage/boards/{id}" Coordinator => ideas::manage_boards::update_board;
    GET "/manage/ideas/{id}/answer" Coordinator => ideas::answer::answer_form;
    POST "/manage/ideas/{id}/answer" Coordinator => ideas::answer::answer;
    GET "/manage/moderation" Moderator => moderation_queue::queue;
    GET "/manage/moderation/{id}" Moderator => moderation::item::item;
    POST "/manage/moderation/{id}/publish" Moderator => moderation::decide::publish;
    POST "/manage/moderation/{id}/hide" Moderator => moderation::decide::hide;
    POST "/manage/moderation/{id}/restore" Moderator => moderation::decide::restore;
    POST "/manage/moderation/{id}/dismiss" Moderator => moderation::decide::dismiss;
    POST "/manage/moderation/{id}/redact" Moderator => moderation::decide::redact;
    POST "/manage/moderation/objections/{id}/resolve" Moderator => moderation::objections::resolve;
    GET "/manage/rounds/{id}/workshops" Coordinator => workshops::manage::manage_list;
    GET "/manage/rounds/{id}/workshops/new" Coordinator => workshops::manage::new_form;
    POST "/manage/rounds/{id}/workshops/new" Coordinator => workshops::manage::create;
    GET "/manage/workshops/{id}" Coordinator => workshops::manage::edit_form;
    POST "/manage/workshops/{id}" Coordinator => workshops::manage::update;
    POST "/manage/workshops/{id}/publish" Coordinator => workshops::lifecycle::publish;
    POST "/manage/workshops/{id}/cancel" Coordinator => workshops::lifecycle::cancel;
    POST "/manage/workshops/{id}/held" Coordinator => workshops::lifecycle::held;
    POST "/manage/workshops/{id}/documentation" Coordinator => workshops::lifecycle::document;
    GET "/manage/workshops/{id}/signups" Coordinator => workshops::signups::signups;
    POST "/manage/workshops/{id}/signups" Coordinator => workshops::signups::add_signup;
    POST "/manage/workshops/{id}/checkin" Coordinator => workshops::checkin::check_in;
    POST "/manage/workshops/{id}/promote" Coordinator => workshops::waitlist::promote;
    GET "/manage/workshops/{id}/cancel-signup" Coordinator => workshops::waitlist::cancel_signup_form;
    POST "/manage/workshops/{id}/cancel-signup" Coordinator => workshops::waitlist::cancel_signup_by_staff;
    GET "/manage/workshops/{id}/export.csv" Coordinator => workshops::export::export_csv;
    GET "/manage/workshops/{id}/attendance" Coordinator => workshops::export::attendance;
    GET "/manage/surveys" Coordinator => surveys::builder::manage_list;
    POST "/manage/surveys" Coordinator => surveys::builder::create;
    GET "/manage/surveys/{id}" Coordinator => surveys::builder::edit;
    POST "/manage/surveys/{id}" Coordinator => surveys::builder::update;
    POST "/manage/surveys/{id}/open" Coordinator => surveys::lifecycle::open;
    POST "/manage/surveys/{id}/close" Coordinator => surveys::lifecycle::close;
    POST "/manage/surveys/{id}/publish-results" Coordinator => surveys::lifecycle::publish_results;
    POST "/manage/surveys/{id}/unpublish-results" Coordinator => surveys::lifecycle::unpublish_results;
    POST "/manage/surveys/{id}/questions" Coordinator => surveys::questions::add;
    POST "/manage/surveys/{id}/questions/district" Coordinator => surveys::district_question::add_district_question;
    GET "/manage/questions/{id}" Coordinator => surveys::questions::edit;
    POST "/manage/questions/{id}" Coordinator => surveys::questions::update;
    POST "/manage/questions/{id}/move" Coordinator => surveys::question_order::move_up_or_down;
    POST "/manage/questions/{id}/delete" Coordinator => surveys::question_order::delete;
    GET "/manage/surveys/{id}/codes" Coordinator => surveys::codes::show;
    POST "/manage/surveys/{id}/codes" Coordinator => surveys::codes::generate;
    GET "/manage/surveys/{id}/paper" Coordinator => surveys::paper::paper_form;
    POST "/manage/surveys/{id}/paper" Coordinator => surveys::paper::paper_submit;
    GET "/manage/surveys/{id}/print" Coordinator => surveys::print::print;
    POST "/manage/surveys/{id}/print" Coordinator => surveys::print::save_paper_return;
    GET "/manage/surveys/{id}/export/aggregates.csv" Coordinator => surveys::export::export_aggregates;
    GET "/manage/surveys/{id}/export/responses.csv" Coordinator => surveys::export::export_responses;
    GET "/manage/free-text" Moderator => surveys::free_text::free_text;
    POST "/manage/free-text/{id}/release" Moderator => surveys::free_text::release;
    POST "/manage/free-text/{id}/reject" Moderator => surveys::free_text::reject;
    GET "/manage/legal" Admin => legal::overview;
    GET "/manage/legal/imprint" Admin => legal::edit_imprint;
    POST "/manage/legal/imprint" Admin => legal::save_imprint;
    GET "/manage/legal/privacy" Admin => legal::edit_privacy;
    POST "/manage/legal/privacy" Admin => legal::save_privacy;
}

/// A GET route, which answers HEAD too: the same status and headers, no body (the HTTP layer
/// leaves the body out of a HEAD response). Every GET route of the table is declared with this.
fn get() -> actix_web::Route {
    web::route().guard(method(Method::GET))
}

/// A guard for `method`; GET's also lets HEAD through.
fn method(method: Method) -> guard::AnyGuard {
    let guard = guard::Any(guard::Method(method.clone()));
    if method == Method::GET {
        guard.or(guard::Head())
    } else {
        guard
    }
}

/// Every route: the public pages, the idea boards, the workshops and surveys residents answer,
/// the account pages and the staff table.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(public_pages)
        .configure(idea_boards)
        .configure(workshops_and_surveys)
        .configure(account)
        .configure(staff);
}

/// The home page, rounds and their subscriptions, strategy and goal pages, legal pages, health
/// and static files.
fn public_pages(cfg: &mut ServiceConfig) {
    cfg.route("/", get().to(home::home))
        .route("/rounds/{slug}", get().to(round_page::show))
        .route("/subscribe", get().to(subscriptions::subscribe_form))
        .route("/subscribe", web::post().to(subscriptions::subscribe_post))
        .route("/subscribe/sent", get().to(subscriptions::subscribe_sent))
        .route(
            "/subscriptions/{id}/{purpose}/{signature}",
            get().to(subscriptions::subscription_link_page),
        )
        .route(
            "/subscriptions/{id}/{purpose}/{signature}",
            web::post().to(subscriptions::subscription_link),
        )
        .route("/healthz", get().to(health::check))
        .route("/impressum", get().to(legal::imprint))
        .route("/datenschutz", get().to(legal::privacy))
        .route("/static/{path:.*}", get().to(static_files::serve))
        .route("/favicon.ico", get().to(static_files::favicon))
        .route(
            "/strategies/{slug}",
            get().to(strategy_page::public_strategy),
        )
        .route("/goals/{id}", get().to(goal_page::public_goal))
        // `/indicators/{id}.csv` too: the handler reads the suffix.
        .route(
            "/indicators/{id}",
            get().to(monitoring::indicator_page::public_indicator),
        );
}

/// Idea boards, an idea's own links and receipts, and objections to a moderation decision.
fn idea_boards(cfg: &mut ServiceConfig) {
    cfg.route("/ideas/{board_id}", get().to(ideas::board::board))
        .route("/ideas/{board_id}/new", get().to(ideas::post::new_form))
        .route(
            "/ideas/{board_id}/new",
            web::post().to(ideas::post::post_idea),
        )
        .route("/ideas/{board_id}/{idea_id}", get().to(ideas::show::show))
        .route(
            "/ideas/{board_id}/{idea_id}/support",
            web::post().to(ideas::support::support),
        )
        .route(
            "/ideas/{board_id}/{idea_id}/comments",
            web::post().to(ideas::comments::comment),
        )
        .route(
            "/ideas/{board_id}/{idea_id}/edit",
            get().to(ideas::edit::edit_form),
        )
        .route(
            "/ideas/{board_id}/{idea_id}/edit",
            web::post().to(ideas::edit::edit),
        )
        .route(
            "/ideas/{board_id}/{idea_id}/withdraw",
            web::post().to(ideas::edit::withdraw),
        )
        .route(
            "/ideas/{board_id}/{idea_id}/flag",
            get().to(ideas::flag::flag_form),
        )
        .route(
            "/ideas/{board_id}/{idea_id}/flag",
            web::post().to(ideas::flag::flag),
        )
        .route(
            "/idea-links/{id}/{purpose}/{signature}",
            get().to(ideas::links::link_page),
        )
        .route(
            "/idea-links/{id}/{purpose}/{signature}",
            web::post().to(ideas::links::link),
        )
        .route(
            "/idea-links/{id}/{purpose}/{signature}/renew",
            web::post().to(link_renewal::renew_idea_link),
        )
        .route("/receipt", get().to(ideas::receipt::receipt))
        .route(
            "/receipt/withdraw",
            get().to(ideas::receipt::receipt_withdraw_form),
        )
        .route(
            "/receipt/withdraw",
            web::post().to(ideas::receipt::receipt_withdraw),
        )
        .route(
            "/objections/{id}/{signature}",
            get().to(moderation::objections::objection_form),
        )
        .route(
            "/objections/{id}/{signature}",
            web::post().to(moderation::objections::object),
        )
        .route(
            "/objections/{id}/{signature}/renew",
            web::post().to(link_renewal::renew_objection_link),
        );
}

/// Workshop pages and sign-up links, and answering a survey.
fn workshops_and_surveys(cfg: &mut ServiceConfig) {
    cfg.route("/workshops/{id}", get().to(workshops::show::show))
        .route(
            "/workshops/{id}",
            web::post().to(workshops::sign_up::sign_up),
        )
        .route(
            "/workshops/{id}/calendar.ics",
            get().to(workshops::show::calendar),
        )
        .route(
            "/signups/{token}",
            get().to(workshops::own_signup::signup_page),
        )
        .route(
            "/signups/{token}",
            web::post().to(workshops::own_signup::signup_change),
        )
        .route(
            "/signups/{token}/cancel",
            get().to(workshops::own_signup::signup_cancel_form),
        )
        .route(
            "/signups/{token}/cancel",
            web::post().to(workshops::own_signup::signup_cancel),
        )
        .route("/surveys/{id}", get().to(surveys::answer::answer_form))
        .route("/surveys/{id}", web::post().to(surveys::submit::answer))
        .route("/surveys/{id}/thanks", get().to(surveys::answer::thanks))
        .route("/surveys/{id}/results", get().to(surveys::results::results));
}

/// The account pages, some only for signed-in people.
fn account(cfg: &mut ServiceConfig) {
    cfg.service(
        web::scope("/account")
            .route("/register", get().to(accounts::signup::register_form))
            .route("/register", web::post().to(accounts::signup::register))
            .route("/check-mail", get().to(accounts::signup::check_mail))
            .route("/verify/{token}", get().to(accounts::signup::verify_page))
            .route("/verify/{token}", web::post().to(accounts::signup::verify))
            .route("/login", get().to(accounts::login::login_form))
            .route("/login", web::post().to(accounts::login::login))
            .route("/logout", web::post().to(accounts::login::logout))
            .route("/magic", get().to(accounts::mail_link::magic_form))
            .route("/magic", web::post().to(accounts::mail_link::magic_request))
            .route("/magic/{token}", get().to(accounts::mail_link::magic_page))
            .route(
                "/magic/{token}",
                web::post().to(accounts::mail_link::magic_login),
            )
            .route("/reset", get().to(accounts::mail_link::reset_request_form))
            .route("/reset", web::post().to(accounts::mail_link::reset_request))
            .route("/reset/{token}", get().to(accounts::password::reset_form))
            .route("/reset/{token}", web::post().to(accounts::password::reset))
            .service(
                signed_in("/profile")
                    .route(get().to(accounts::profile::profile_form))
                    .route(web::post().to(accounts::profile::profile)),
            )
            .service(
                signed_in("/password")
                    .route(get().to(accounts::password::password_form))
                    .route(web::post().to(accounts::password::change_password)),
            )
            .service(
                signed_in("/email")
                    .route(get().to(accounts::email_change::email_form))
                    .route(web::post().to(accounts::email_change::request_email_change)),
            )
            .route(
                "/email/{token}",
                get().to(accounts::email_change::email_confirm_page),
            )
            .route(
                "/email/{token}",
                web::post().to(accounts::email_change::confirm_email_change),
            )
            .service(
                signed_in("/delete")
                    .route(get().to(personal_data::deletion::delete_form))
                    .route(web::post().to(personal_data::deletion::delete)),
            )
            .service(
                signed_in("/sessions/end-others")
                    .route(web::post().to(accounts::devices::end_others)),
            )
            .service(
                signed_in("/sessions/{id}/end").route(web::post().to(accounts::devices::end_one)),
            )
            .route("/deleted", get().to(personal_data::deletion::deleted))
            .service(signed_in("/data").route(get().to(personal_data::export::data_export))),
    );
}

/// A resource for signed-in people: anonymous visitors are sent to the login page first.
fn signed_in(
    path: &str,
) -> actix_web::Resource<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<actix_web::body::BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    web::resource(path).wrap(from_fn(|req, next| {
        access::require(Access::SignedIn, req, next)
    }))
}
