//! The client's address, for rate limits only: it is hashed before it is stored and never logged.

use actix_web::HttpRequest;

use crate::config::Settings;

pub fn ip(req: &HttpRequest, settings: &Settings) -> String {
    // The right-most X-Forwarded-For entry is the one our proxy appended; the ones before it are
    // whatever the client chose to send.
    if settings.trust_proxy_headers
        && let Some(forwarded) = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .last()
    {
        return strip_port(forwarded).to_string();
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn strip_port(addr: &str) -> &str {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(_) => addr
            .rsplit_once(':')
            .map(|(ip, _)| ip.trim_matches(['[', ']']))
            .unwrap_or(addr),
        Err(_) => addr,
    }
}
