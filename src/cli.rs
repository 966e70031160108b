//! The command line: `serve` (the default), `migrate`, `admin create`, `demo`.

use clap::{Parser, Subcommand};

use crate::{
    accounts::{model as accounts, profile::update_profile, staff},
    admin::service::{self as admin, DEFAULT_MIN_GROUP_SIZE, NewMunicipality},
    config::Settings,
    identity::{self, Role},
    secrets,
    startup::{self, Application},
    web::i18n::Lang,
};

/// Teilhabe: the participation platform of a municipal poverty-prevention strategy.
///
/// Configuration comes from TEILHABE_* environment variables (see README.md).
#[derive(Debug, Parser)]
#[command(name = "teilhabe", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Load realistic demo data: a municipality with a coordinator and a moderator, its
    /// strategy, and participation rounds in every state. Running it again adds only what is
    /// missing.
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an administrator (or make an existing account one) and print a one-time link to set
    /// the password.
    Create {
        /// The administrator's e-mail address.
        #[arg(long)]
        email: String,
    },
}

pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    // Every command writes (migrations at least): one process per SQLite data directory. `serve`
    // takes the lock itself, before it opens the database.
    let _lock = match command {
        Command::Serve => None,
        _ => crate::storage::lock::DataDirLock::acquire_for(&settings)?,
    };
    match command {
        Command::Serve => {
            let app = Application::build(settings).await?;
            if !staff::has_admin(&app.state().db).await? {
                tracing::warn!(
                    "No administrator yet. Next step: `teilhabe admin create --email ADDRESS` \
                     prints a link to set the administrator's password; `teilhabe demo` loads \
                     demo data with sign-ins to try it out."
                );
            }
            println!("Teilhabe: {}", app.state().settings.base_url);
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            startup::prepare(settings).await?;
            println!("Database is up to date.");
        }
        Command::Admin {
            command: AdminCommand::Create { email },
        } => {
            anyhow::ensure!(
                validator::ValidateEmail::validate_email(&email),
                "--email: '{email}' is not an e-mail address"
            );
            let state = startup::prepare(settings).await?;
            let txn = crate::db::begin_write(&state.db).await?;
            let link = staff::create_admin(&txn, &state, &email).await?;
            txn.commit().await?;
            println!(
                "Administrator {}: set the password within 7 days at\n{link}",
                accounts::normalize_email(&email)
            );
        }
        Command::Demo => demo(settings).await?,
    }
    Ok(())
}

/// Demo content: the fictional "Musterstadt" with a coordinator and a moderator whose passwords
/// are generated and printed. Running it again changes nothing. Later features add their demo
/// content (strategy, monitoring, rounds, surveys, ideas, workshops) here.
async fn demo(settings: Settings) -> anyhow::Result<()> {
    let state = startup::prepare(settings).await?;
    let now = state.clock.now();
    let mut sign_ins: Vec<(&str, String)> = Vec::new();
    let txn = crate::db::begin_write(&state.db).await?;
    let place = match admin::all_municipalities(&txn)
        .await?
        .into_iter()
        .find(|m| m.slug == "musterstadt")
    {
        Some(place) => {
            println!("Demo municipality {} is already there.", place.name);
            place
        }
        None => {
            let place = admin::create_municipality(
                &txn,
                None,
                NewMunicipality {
                    name: "Musterstadt",
                    slug: "musterstadt",
                    min_group_size: DEFAULT_MIN_GROUP_SIZE,
                },
                now,
            )
            .await?;
            println!("Demo municipality: {} ({})", place.name, place.slug);
            for (email, name, role) in [
                (
                    "koordination@musterstadt.example",
                    "Sabine Kaya (Planungskoordination)",
                    Role::Coordinator,
                ),
                (
                    "moderation@musterstadt.example",
                    "Jonas Albrecht (Moderation)",
                    Role::Moderator,
                ),
            ] {
                let user = accounts::ensure_user(&txn, email, Lang::De, now).await?;
                let password = secrets::random_token(12);
                accounts::store_password(&txn, user.id, &password).await?;
                accounts::mark_verified(&txn, user.id, now).await?;
                update_profile(&txn, user.id, Some(name.to_string()), Lang::De).await?;
                accounts::grant_role(&txn, user.id, role, Some(place.id), None, now).await?;
                sign_ins.push((email, password));
            }
            place
        }
    };
    crate::strategy::demo::seed(&txn, place.id, now).await?;
    let values = crate::monitoring::demo::seed(&txn, place.id, &place.name, now).await?;
    let coordinator = accounts::find_by_email(&txn, "koordination@musterstadt.example").await?;
    let coordinator = match coordinator {
        Some(user) => identity::session_user(&txn, user.id, user.session_version).await?,
        None => None,
    };
    let (rounds, responses, ideas, workshops) = match coordinator {
        Some(coordinator) => (
            crate::rounds::demo::seed(&txn, &state, &coordinator, place.id, now).await?,
            crate::surveys::demo::seed(&txn, &coordinator, place.id, now).await?,
            crate::ideas::demo::seed(&txn, &coordinator, place.id, now).await?,
            crate::workshops::demo::seed(&txn, &state, &coordinator, place.id, now).await?,
        ),
        None => (0, 0, 0, 0),
    };
    txn.commit().await?;
    println!("  strategy: /strategies/{}", place.slug);
    println!("  indicator values added: {values}");
    println!("  participation rounds added: {rounds}");
    println!("  survey responses added: {responses}");
    println!("  ideas added: {ideas}");
    println!("  workshops added: {workshops}");
    print_sign_ins(&sign_ins, &state.settings.absolute_url("/account/login"))?;
    Ok(())
}

/// The demo's passwords in a framed block after everything else the command wrote, logs
/// included, so they are not lost between log lines.
fn print_sign_ins(sign_ins: &[(&str, String)], login_url: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.flush()?;
    let rule = "=".repeat(72);
    writeln!(out, "\n{rule}")?;
    if sign_ins.is_empty() {
        writeln!(
            out,
            "  The demo sign-ins were printed when the demo was first loaded.\n  \
             Forgotten? Use \"Passwort vergessen\" at {login_url}"
        )?;
    } else {
        writeln!(out, "  Demo sign-ins (shown only now):\n")?;
        let width = sign_ins.iter().map(|(e, _)| e.len()).max().unwrap_or(0);
        for (email, password) in sign_ins {
            writeln!(out, "    {email:<width$}   password: {password}")?;
        }
        writeln!(out, "\n  Sign in at {login_url}")?;
    }
    writeln!(out, "{rule}")?;
    out.flush()
}
