//! Delivery of one stored mail through lettre: SMTP when configured, `.eml` files otherwise.

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Attachment, Mailbox, MultiPart, header::ContentType},
};

use crate::config::Settings;

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Writes each mail as `<id>.eml` into the data dir's `mail/` folder.
    File(AsyncFileTransport<Tokio1Executor>),
}

/// What the outbox row holds, as the mailer needs it.
pub struct OutgoingMail<'a> {
    pub message_id: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    /// (file name, content type, text body) of an attached file.
    pub attachment: Option<(&'a str, &'a str, &'a str)>,
    /// The `Date:` header: the application's clock, not the wall clock, so a mail says the same
    /// time as the page that caused it (and tests see the time they set).
    pub date: std::time::SystemTime,
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.smtp_url {
            // The URL decides the security: smtps:// is TLS, smtp://…?tls=required is STARTTLS.
            Some(url) => Ok(Mailer::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("TEILHABE_SMTP_URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            )),
            None => {
                let dir = settings.mail_dir();
                std::fs::create_dir_all(&dir)?;
                Ok(Mailer::File(AsyncFileTransport::<Tokio1Executor>::new(dir)))
            }
        }
    }

    pub async fn send(
        &self,
        settings: &Settings,
        mail: &OutgoingMail<'_>,
    ) -> Result<(), SendError> {
        // A mail that cannot be built (such as an invalid address) never will be.
        let message = build_message(settings, mail).map_err(|e| SendError {
            permanent: true,
            reason: e.to_string(),
        })?;
        match self {
            Mailer::Smtp(transport) => transport.send(message).await.map(drop).map_err(|e| {
                SendError {
                    // 5xx: the server refused for good (unknown mailbox, policy). 4xx, network
                    // and TLS errors, timeouts: worth another try.
                    permanent: e.is_permanent(),
                    reason: e.to_string(),
                }
            }),
            Mailer::File(transport) => {
                transport
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|e| SendError {
                        permanent: false,
                        reason: e.to_string(),
                    })
            }
        }
    }
}

/// Why a mail did not go out, and whether another attempt could change that.
#[derive(Debug)]
pub struct SendError {
    /// An SMTP 5xx reply or a mail that cannot be built: no retries.
    pub permanent: bool,
    /// The server's reply (code and text) or the local error. It may quote the address.
    pub reason: String,
}

fn build_message(settings: &Settings, mail: &OutgoingMail<'_>) -> anyhow::Result<Message> {
    let from: Mailbox = settings.mail_from.parse()?;
    let to: Mailbox = mail.recipient.parse()?;
    let mut builder = Message::builder()
        .message_id(Some(format!("<{}>", mail.message_id)))
        .date(mail.date)
        .from(from)
        .to(to)
        .subject(mail.subject);
    if let Some(reply_to) = &settings.mail_reply_to {
        builder = builder.reply_to(reply_to.parse()?);
    }
    let body =
        MultiPart::alternative_plain_html(mail.body_text.to_string(), mail.body_html.to_string());
    let Some((name, content_type, content)) = mail.attachment else {
        return Ok(builder.multipart(body)?);
    };
    let file = Attachment::new(name.to_string())
        .body(content.to_string(), ContentType::parse(content_type)?);
    Ok(builder.multipart(MultiPart::mixed().multipart(body).singlepart(file))?)
}
