//! Settings from `TEILHABE_*` environment variables, each with a default that serves a newcomer.

use std::{net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use thiserror::Error;

/// A configuration value that cannot be used. Start-up stops with this message.
#[derive(Debug, Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Address the HTTP server binds to. Port 0 picks a free port (tests).
    pub bind: SocketAddr,
    /// Public URL of the site, used in links in e-mails and for the `Secure` cookie flag.
    pub base_url: url::Url,
    /// Holds the SQLite database, the generated secret key and (without SMTP) the mail files.
    pub data_dir: PathBuf,
    pub database_url: String,
    /// At least 32 characters. Unset: a key is generated once and kept in the data dir.
    pub secret_key: Option<String>,
    /// A tracing filter such as `info` or `teilhabe=debug,info`.
    pub log: String,
    /// `smtp://`, `smtps://` or `smtp://…?tls=required`. Unset: mail goes to files in `data/mail`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub mail_reply_to: Option<String>,
    /// A mail that failed this many times stays visible as failed and is not retried by itself.
    pub mail_max_attempts: u32,
    /// Wait before the first retry; each further retry waits twice as long.
    pub mail_retry_base: Duration,
    /// How often the background worker looks for due work.
    pub worker_interval: Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_proxy_headers: bool,
    /// Times are shown in this zone.
    pub time_zone: chrono_tz::Tz,
    /// The base of the automatic hiding threshold (at least 3): see `moderation::flags`.
    pub flag_threshold: i32,
    /// Personal data of workshop sign-ups is deleted this many days after the workshop.
    pub signup_retention_days: u64,
    /// A session ends this long after sign-in, however active it is.
    pub session_max_age: chrono::Duration,
    /// A resident's session ends after this long without a request.
    pub session_idle: chrono::Duration,
    /// A session of anyone with a staff role ends after this long without a request.
    pub staff_session_idle: chrono::Duration,
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can pass their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let bind: SocketAddr = parse(&get, "TEILHABE_BIND", "127.0.0.1:8080")?;
        // Links in mails must point somewhere a browser can reach, not at 0.0.0.0.
        let default_base = if bind.ip().is_unspecified() {
            format!("http://127.0.0.1:{}", bind.port())
        } else {
            format!("http://{bind}")
        };
        let base_url: url::Url = parse(&get, "TEILHABE_BASE_URL", &default_base)?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(ConfigError {
                var: "TEILHABE_BASE_URL",
                message: "must start with http:// or https://".into(),
            });
        }
        let data_dir = PathBuf::from(get("TEILHABE_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = get("TEILHABE_DATABASE_URL").unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("teilhabe.db").display()
            )
        });
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError {
                var: "TEILHABE_DATABASE_URL",
                message: "must be a sqlite:// or postgres:// URL".into(),
            });
        }
        let secret_key = get("TEILHABE_SECRET_KEY");
        if let Some(key) = &secret_key
            && key.len() < 32
        {
            return Err(ConfigError {
                var: "TEILHABE_SECRET_KEY",
                message: "must be at least 32 characters long".into(),
            });
        }
        let smtp_url = get("TEILHABE_SMTP_URL");
        if let Some(smtp) = &smtp_url
            && !url::Url::parse(smtp).is_ok_and(|u| matches!(u.scheme(), "smtp" | "smtps"))
        {
            return Err(ConfigError {
                var: "TEILHABE_SMTP_URL",
                message: format!("'{smtp}' is not a URL such as smtp://user:pass@host:587"),
            });
        }
        let mail = MailSettings::from_lookup(&get, &base_url)?;
        let worker_interval = Duration::from_millis(bounded(
            parse(&get, "TEILHABE_WORKER_INTERVAL_MS", "5000")?,
            "TEILHABE_WORKER_INTERVAL_MS",
            50..=3_600_000,
        )?);
        let log = get("TEILHABE_LOG").unwrap_or_else(|| "info".into());
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&log) {
            return Err(ConfigError {
                var: "TEILHABE_LOG",
                message: format!("'{log}': {e}"),
            });
        }
        let trust_proxy_headers = parse(&get, "TEILHABE_TRUST_PROXY_HEADERS", "false")?;
        let time_zone = parse(&get, "TEILHABE_TIME_ZONE", "Europe/Berlin")?;
        let flag_threshold = bounded(
            parse(&get, "TEILHABE_FLAG_THRESHOLD", "3")?,
            "TEILHABE_FLAG_THRESHOLD",
            3..=100,
        )? as i32;
        let signup_retention_days = bounded(
            parse(&get, "TEILHABE_SIGNUP_RETENTION_DAYS", "30")?,
            "TEILHABE_SIGNUP_RETENTION_DAYS",
            1..=3_650,
        )?;
        let sessions = SessionLifetimes::from_lookup(&get)?;
        Ok(Self {
            bind,
            base_url,
            data_dir,
            database_url,
            secret_key,
            log,
            smtp_url,
            mail_from: mail.from,
            mail_reply_to: mail.reply_to,
            mail_max_attempts: mail.max_attempts,
            mail_retry_base: mail.retry_base,
            worker_interval,
            trust_proxy_headers,
            time_zone,
            flag_threshold,
            signup_retention_days,
            session_max_age: sessions.max_age,
            session_idle: sessions.idle,
            staff_session_idle: sessions.staff_idle,
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// Cookies get the `Secure` flag when the site is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// An absolute URL for `path` (which starts with `/`), for links in e-mails.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url.as_str().trim_end_matches('/'), path)
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }
}

fn parse<T: FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: &str,
) -> Result<T, ConfigError> {
    let raw = get(var).unwrap_or_else(|| default.to_string());
    raw.trim().parse().map_err(|_| ConfigError {
        var,
        message: format!("'{raw}' is not a valid value (default: {default})"),
    })
}

fn bounded(
    value: u64,
    var: &'static str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ConfigError {
            var,
            message: format!("{value} is outside {}..={}", range.start(), range.end()),
        })
    }
}
/// Who mails come from, and how often a mail is tried.
struct MailSettings {
    from: String,
    reply_to: Option<String>,
    max_attempts: u32,
    retry_base: Duration,
}

impl MailSettings {
    fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        base_url: &url::Url,
    ) -> Result<Self, ConfigError> {
        let from = get("TEILHABE_MAIL_FROM").unwrap_or_else(|| {
            format!(
                "Teilhabe <noreply@{}>",
                base_url.host_str().unwrap_or("localhost")
            )
        });
        check_mailbox("TEILHABE_MAIL_FROM", &from)?;
        let reply_to = get("TEILHABE_MAIL_REPLY_TO");
        if let Some(reply_to) = &reply_to {
            check_mailbox("TEILHABE_MAIL_REPLY_TO", reply_to)?;
        }
        let max_attempts: u32 = parse(&get, "TEILHABE_MAIL_MAX_ATTEMPTS", "8")?;
        if max_attempts == 0 {
            return Err(ConfigError {
                var: "TEILHABE_MAIL_MAX_ATTEMPTS",
                message: "must be at least 1".into(),
            });
        }
        let retry_base = Duration::from_secs(bounded(
            parse(&get, "TEILHABE_MAIL_RETRY_SECONDS", "30")?,
            "TEILHABE_MAIL_RETRY_SECONDS",
            1..=86_400,
        )?);
        Ok(Self {
            from,
            reply_to,
            max_attempts,
            retry_base,
        })
    }
}

/// How long a signed-in session lasts at most, and idle (residents and staff).
struct SessionLifetimes {
    max_age: chrono::Duration,
    idle: chrono::Duration,
    staff_idle: chrono::Duration,
}

impl SessionLifetimes {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let max_age = chrono::Duration::days(bounded(
            parse(&get, "TEILHABE_SESSION_MAX_DAYS", "30")?,
            "TEILHABE_SESSION_MAX_DAYS",
            1..=365,
        )? as i64);
        let idle = chrono::Duration::hours(bounded(
            parse(&get, "TEILHABE_SESSION_IDLE_HOURS", "168")?,
            "TEILHABE_SESSION_IDLE_HOURS",
            1..=8_760,
        )? as i64);
        let staff_idle = chrono::Duration::hours(bounded(
            parse(&get, "TEILHABE_STAFF_SESSION_IDLE_HOURS", "12")?,
            "TEILHABE_STAFF_SESSION_IDLE_HOURS",
            1..=8_760,
        )? as i64);
        Ok(Self {
            max_age,
            idle,
            staff_idle,
        })
    }
}

fn check_mailbox(var: &'static str, value: &str) -> Result<(), ConfigError> {
    value
        .parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|_| ConfigError {
            var,
            message: format!("'{value}' is not an address such as Teilhabe <noreply@example.org>"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_serve_a_newcomer_on_local_sqlite() -> Result<(), ConfigError> {
        let s = settings(&[])?;
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url.as_str(), "http://127.0.0.1:8080/");
        assert!(s.database_url.starts_with("sqlite://./data/teilhabe.db"));
        assert!(s.smtp_url.is_none());
        assert!(!s.secure_cookies());
        assert_eq!(s.session_max_age, chrono::Duration::days(30));
        assert_eq!(s.session_idle, chrono::Duration::days(7));
        assert_eq!(s.staff_session_idle, chrono::Duration::hours(12));
        Ok(())
    }

    #[test]
    fn an_invalid_value_names_its_variable() {
        let err = settings(&[("TEILHABE_BIND", "not-an-address")]).err();
        assert_eq!(err.map(|e| e.var), Some("TEILHABE_BIND"));
        let err = settings(&[("TEILHABE_SECRET_KEY", "short")]).err();
        assert_eq!(err.map(|e| e.var), Some("TEILHABE_SECRET_KEY"));
        let err = settings(&[("TEILHABE_SMTP_URL", "http://mail.example")]).err();
        assert_eq!(err.map(|e| e.var), Some("TEILHABE_SMTP_URL"));
        let err = settings(&[("TEILHABE_WORKER_INTERVAL_MS", "0")]).err();
        assert_eq!(err.map(|e| e.var), Some("TEILHABE_WORKER_INTERVAL_MS"));
        let err = settings(&[("TEILHABE_LOG", "teilhabe=lauter")]).err();
        assert_eq!(err.map(|e| e.var), Some("TEILHABE_LOG"));
        // Fewer than three flags would let one person hide a post with a few accounts.
        let err = settings(&[("TEILHABE_FLAG_THRESHOLD", "2")]).err();
        assert_eq!(err.map(|e| e.var), Some("TEILHABE_FLAG_THRESHOLD"));
        let err = settings(&[("TEILHABE_SIGNUP_RETENTION_DAYS", "0")]).err();
        assert_eq!(err.map(|e| e.var), Some("TEILHABE_SIGNUP_RETENTION_DAYS"));
        let err = settings(&[("TEILHABE_SESSION_IDLE_HOURS", "0")]).err();
        assert_eq!(err.map(|e| e.var), Some("TEILHABE_SESSION_IDLE_HOURS"));
        let err = settings(&[("TEILHABE_TIME_ZONE", "Mars/Olympus")]).err();
        assert_eq!(
            err.map(|e| e.to_string().starts_with("TEILHABE_TIME_ZONE:")),
            Some(true)
        );
    }

    #[test]
    fn https_base_url_makes_cookies_secure() -> Result<(), ConfigError> {
        let s = settings(&[("TEILHABE_BASE_URL", "https://teilhabe.example.org")])?;
        assert!(s.secure_cookies());
        assert_eq!(
            s.absolute_url("/account/login"),
            "https://teilhabe.example.org/account/login"
        );
        Ok(())
    }
}
