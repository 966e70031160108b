//! Use cases of moderation. The pure text checks (`precheck`, `redact`) are unit-tested below.

use chrono::{DateTime, Utc};
use entity::{idea_boards, idea_comments, ideas, moderation_flags, moderation_objections, users};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    accounts::service::CurrentUser,
    audit::service::{self as audit, Entry},
    db::placeholders,
    error::AppError,
    notifications::service::{self as notifications, Email},
    secrets::Keys,
    state::AppState,
    web::{
        i18n::{self, Lang},
        signed_link,
    },
};

/// Why something is flagged or hidden, in the order the forms offer them.
pub const REASONS: [&str; 6] = [
    "insult",
    "discrimination",
    "personal_data",
    "spam",
    "off_topic",
    "other",
];
/// The reason of an automatic hide after too many flags.
pub const AUTO_HIDDEN: &str = "flagged";

pub const PENDING: &str = "pending";
pub const PUBLISHED: &str = "published";
pub const HIDDEN: &str = "hidden";

// ---- the automatic pre-check ----

/// Marks a text that seems to contain personal data: `email`, `phone`, `iban`, comma-separated,
/// empty when none. Moderators see such texts first.
pub fn precheck(text: &str) -> String {
    let mut marks = Vec::new();
    if words(text).any(is_email) {
        marks.push("email");
    }
    if !phone_spans(text).is_empty() {
        marks.push("phone");
    }
    if has_iban(text) {
        marks.push("iban");
    }
    marks.join(",")
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '<' | '>' | '"'))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ':' | '!' | '?' | '\'')))
        .filter(|w| !w.is_empty())
}

fn is_email(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

/// Byte ranges of phone-number-like runs: digits with spaces, slashes, dashes or brackets and a
/// leading plus, at least 7 digits in all (dates with dots do not count).
fn phone_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let starts = c.is_ascii_digit()
            || (c == '+' && chars.get(i + 1).is_some_and(|n| n.1.is_ascii_digit()));
        let after_word = i > 0 && chars[i - 1].1.is_alphanumeric();
        if !starts || after_word {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        let mut last_digit = i;
        while j < chars.len() {
            let d = chars[j].1;
            if d.is_ascii_digit() {
                digits += 1;
                last_digit = j;
            } else if !(matches!(d, ' ' | '/' | '-' | '(' | ')') || (d == '+' && j == i)) {
                break;
            }
            j += 1;
        }
        let glued = chars.get(last_digit + 1).is_some_and(|n| {
            n.1.is_alphanumeric()
                || n.1 == '.'
                    && chars
                        .get(last_digit + 2)
                        .is_some_and(|m| m.1.is_ascii_digit())
        });
        if digits >= 7 && !glued {
            let (at, d) = chars[last_digit];
            spans.push((start, at + d.len_utf8()));
        }
        i = last_digit + 1;
    }
    spans
}

/// Two capital letters, two check digits and at least 10 more digits (letters allowed), spaces
/// allowed in between, not glued to a word before it.
fn has_iban(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| {
        if i > 0 && chars[i - 1].is_alphanumeric() {
            return false;
        }
        let rest: Vec<char> = chars[i..]
            .iter()
            .copied()
            .filter(|c| *c != ' ')
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        rest.len() >= 14
            && rest[0].is_ascii_uppercase()
            && rest[1].is_ascii_uppercase()
            && rest[2].is_ascii_digit()
            && rest[3].is_ascii_digit()
            && rest[4..].iter().filter(|c| c.is_ascii_digit()).count() >= 10
    })
}

/// Byte ranges of IBAN-like runs (see `has_iban`): capital letters and digits with single spaces
/// in between, at most 34 of them, not glued to a word before it.
fn iban_spans(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let glued = i > 0 && chars[i - 1].1.is_alphanumeric();
        if glued || !chars[i].1.is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let (mut j, mut end) = (i, i);
        let mut run = Vec::new();
        while j < chars.len() && run.len() < 34 {
            let c = chars[j].1;
            if c.is_ascii_digit() || c.is_ascii_uppercase() {
                run.push(c);
                end = j;
            } else if !(c == ' '
                && chars
                    .get(j + 1)
                    .is_some_and(|d| d.1.is_ascii_alphanumeric()))
            {
                break;
            }
            j += 1;
        }
        let fits = run.len() >= 14
            && run[1].is_ascii_uppercase()
            && run[2].is_ascii_digit()
            && run[3].is_ascii_digit()
            && run[4..].iter().filter(|c| c.is_ascii_digit()).count() >= 10;
        let glued_after = chars.get(end + 1).is_some_and(|c| c.1.is_alphanumeric());
        if fits && !glued_after {
            spans.push((chars[i].0, chars[end].0 + chars[end].1.len_utf8()));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    spans
}

/// The text with e-mail addresses, IBANs, phone numbers and each of `names` (case-insensitive, whole
/// words) replaced by `placeholder`; everything else stays as it was.
pub fn redact(text: &str, names: &[String], placeholder: &str) -> String {
    // E-mail addresses, word by word, keeping the separators.
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let core = word.trim_matches(|c: char| matches!(c, '.' | ':' | '!' | '?' | '\''));
        if is_email(core) {
            let at = word.find(core).unwrap_or(0);
            out.push_str(&word[..at]);
            out.push_str(placeholder);
            out.push_str(&word[at + core.len()..]);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '<' | '>' | '"') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    // IBANs before phone numbers (their digits look like one), back to front so earlier ranges
    // stay valid.
    let mut text = out;
    for (start, end) in iban_spans(&text).into_iter().rev() {
        text.replace_range(start..end, placeholder);
    }
    for (start, end) in phone_spans(&text).into_iter().rev() {
        text.replace_range(start..end, placeholder);
    }
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        text = replace_word_ci(&text, name, placeholder);
    }
    text
}

fn replace_word_ci(text: &str, needle: &str, placeholder: &str) -> String {
    let lower_text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = text.chars().collect();
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    // Lower-casing may change lengths (rare); then match on the original characters.
    let hay = if lower_text.len() == chars.len() {
        lower_text
    } else {
        chars.clone()
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let fits = i + needle.len() <= hay.len() && hay[i..i + needle.len()] == needle[..];
        let bounded = fits
            && (i == 0 || !chars[i - 1].is_alphanumeric())
            && chars
                .get(i + needle.len())
                .is_none_or(|c| !c.is_alphanumeric());
        if bounded {
            out.push_str(placeholder);
            i += needle.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

// ---- what is moderated ----

/// An idea or a comment: everything moderation acts on.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // one at a time, short-lived: boxing buys nothing here
pub enum Target {
    Idea(ideas::Model),
    Comment(idea_comments::Model),
}

impl Target {
    pub fn id(&self) -> Uuid {
        match self {
            Target::Idea(i) => i.id,
            Target::Comment(c) => c.id,
        }
    }
    pub fn municipality_id(&self) -> Uuid {
        match self {
            Target::Idea(i) => i.municipality_id,
            Target::Comment(c) => c.municipality_id,
        }
    }
    pub fn status(&self) -> &str {
        match self {
            Target::Idea(i) => &i.status,
            Target::Comment(c) => &c.status,
        }
    }
    pub fn hidden_reason(&self) -> Option<&str> {
        match self {
            Target::Idea(i) => i.hidden_reason.as_deref(),
            Target::Comment(c) => c.hidden_reason.as_deref(),
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Idea(_) => "idea",
            Target::Comment(_) => "comment",
        }
    }
    /// The version of the text, as a moderator saw it.
    pub fn version(&self) -> i32 {
        match self {
            Target::Idea(i) => i.version,
            Target::Comment(c) => c.version,
        }
    }
    pub fn precheck(&self) -> &str {
        match self {
            Target::Idea(i) => &i.precheck,
            Target::Comment(c) => &c.precheck,
        }
    }
    /// The pre-check marked the text and no moderator has looked at it since.
    pub fn unreviewed_marks(&self) -> bool {
        let reviewed = match self {
            Target::Idea(i) => i.reviewed_at.is_some(),
            Target::Comment(c) => c.reviewed_at.is_some(),
        };
        !self.precheck().is_empty() && !reviewed
    }
    pub fn idea_id(&self) -> Uuid {
        match self {
            Target::Idea(i) => i.id,
            Target::Comment(c) => c.idea_id,
        }
    }
    fn table(&self) -> &'static str {
        match self {
            Target::Idea(_) => "ideas",
            Target::Comment(_) => "idea_comments",
        }
    }
}

pub async fn find_target(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Target>, DbErr> {
    if let Some(idea) = ideas::Entity::find_by_id(id).one(db).await? {
        return Ok(Some(Target::Idea(idea)));
    }
    Ok(idea_comments::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Target::Comment))
}

// ---- flags ----

#[derive(Debug, PartialEq, Eq)]
pub enum Flagged {
    Recorded,
    /// This person has flagged it before: nothing changes.
    Already,
}

/// Who flagged, as stored on the flag: a keyed hash of `person` (`user:<id>` or `ip:<address>`),
/// so one person flags an item once without the flag naming them.
pub fn reporter_key(keys: &Keys, person: &str) -> String {
    keys.keyed_hash(&["flag-reporter", person])
}

fn account_reporter_key(keys: &Keys, user_id: Uuid) -> String {
    reporter_key(keys, &format!("user:{user_id}"))
}

/// When an account is deleted: its flags stay (they are part of moderation decisions) but lose
/// the key that tied them to the account; each gets a random one of its own.
pub async fn forget_reporter(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<u64, DbErr> {
    let own: Vec<Uuid> = moderation_flags::Entity::find()
        .select_only()
        .column(moderation_flags::Column::Id)
        .filter(moderation_flags::Column::ReporterKey.eq(account_reporter_key(keys, user_id)))
        .into_tuple()
        .all(db)
        .await?;
    for id in &own {
        moderation_flags::Entity::update_many()
            .col_expr(
                moderation_flags::Column::ReporterKey,
                Expr::value(format!("deleted:{}", Uuid::new_v4().simple())),
            )
            .filter(moderation_flags::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(own.len() as u64)
}

/// The flags the account made, for its data download.
pub async fn flags_of(
    db: &impl ConnectionTrait,
    keys: &Keys,
    user_id: Uuid,
) -> Result<Vec<serde_json::Value>, DbErr> {
    let own = moderation_flags::Entity::find()
        .filter(moderation_flags::Column::ReporterKey.eq(account_reporter_key(keys, user_id)))
        .order_by_asc(moderation_flags::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(own
        .iter()
        .map(|f| {
            json!({
                "target_id": f.target_id,
                "reason": f.reason,
                "note": f.note,
                "status": f.status,
                "reporter_kind": f.reporter_kind,
                "created_at": f.created_at,
            })
        })
        .collect())
}

// ---- the queue ----

/// The queue's sections. A later section (free-text answers of surveys) plugs in beside these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Published texts the pre-check marked that no moderator has looked at yet.
    Personal,
    Pending,
    Flagged,
    Objections,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Personal,
        Section::Pending,
        Section::Flagged,
        Section::Objections,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Personal => "personal",
            Section::Pending => "pending",
            Section::Flagged => "flagged",
            Section::Objections => "objections",
        }
    }
    pub fn parse(s: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One idea or comment in the queue, with its context.
#[derive(Clone, Debug, FromQueryResult)]
pub struct QueueItem {
    pub kind: String,
    pub id: Uuid,
    pub idea_id: Uuid,
    pub board_id: Uuid,
    pub board_title: String,
    pub idea_title: String,
    pub body: String,
    pub status: String,
    pub open_flags: i32,
    pub precheck: String,
    pub created_at: DateTime<Utc>,
}

fn scope_sql(scope: Option<&[Uuid]>, alias: &str, next: usize) -> (String, Vec<sea_orm::Value>) {
    match scope {
        None => (String::new(), Vec::new()),
        Some([]) => (" AND 1 = 0".into(), Vec::new()),
        Some(ids) => {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", next + i)).collect();
            (
                format!(" AND {alias}.municipality_id IN ({})", marks.join(", ")),
                ids.iter().map(|id| (*id).into()).collect(),
            )
        }
    }
}

fn section_condition(section: Section, alias: &str) -> String {
    match section {
        Section::Pending => format!("{alias}.status = 'pending'"),
        Section::Personal => format!(
            "{alias}.status = 'published' AND {alias}.precheck <> '' AND {alias}.reviewed_at IS NULL"
        ),
        _ => format!(
            "({alias}.open_flags > 0 OR ({alias}.status = 'hidden' AND {alias}.hidden_reason = '{AUTO_HIDDEN}'))"
        ),
    }
}

fn queue_sql(section: Section, scope: Option<&[Uuid]>) -> (String, Vec<sea_orm::Value>) {
    let (scope_i, mut values) = scope_sql(scope, "i", 1);
    let (scope_c, more) = scope_sql(scope, "c", 1 + values.len());
    values.extend(more);
    let sql = format!(
        "SELECT 'idea' AS kind, i.id AS id, i.id AS idea_id, b.id AS board_id, b.title AS board_title, \
           i.municipality_id AS municipality_id, i.title AS idea_title, i.body AS body, i.status AS status, i.open_flags AS open_flags, \
           i.precheck AS precheck, i.created_at AS created_at \
         FROM ideas i JOIN idea_boards b ON b.id = i.board_id \
         WHERE {cond_i}{scope_i} \
         UNION ALL \
         SELECT 'comment' AS kind, c.id AS id, i.id AS idea_id, b.id AS board_id, b.title AS board_title, \
           c.municipality_id AS municipality_id, i.title AS idea_title, c.body AS body, c.status AS status, c.open_flags AS open_flags, \
           c.precheck AS precheck, c.created_at AS created_at \
         FROM idea_comments c JOIN ideas i ON i.id = c.idea_id JOIN idea_boards b ON b.id = i.board_id \
         WHERE {cond_c}{scope_c}",
        cond_i = section_condition(section, "i"),
        cond_c = section_condition(section, "c"),
    );
    (sql, values)
}

/// One page of a section: texts the pre-check marked first, then oldest first.
pub async fn queue_page(
    db: &impl ConnectionTrait,
    section: Section,
    scope: Option<&[Uuid]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<QueueItem>, u64), DbErr> {
    let backend = db.get_database_backend();
    let (inner, values) = queue_sql(section, scope);
    let total = count_sql(db, &inner, values.clone()).await?;
    let sql = format!(
        "SELECT * FROM ({inner}) q \
         ORDER BY CASE WHEN q.precheck = '' THEN 1 ELSE 0 END, q.created_at, q.id \
         LIMIT {per_page} OFFSET {}",
        page * per_page
    );
    let rows = QueueItem::find_by_statement(Statement::from_sql_and_values(
        backend,
        placeholders(backend, &sql),
        values,
    ))
    .all(db)
    .await?;
    Ok((rows, total.div_ceil(per_page.max(1))))
}

async fn count_sql(
    db: &impl ConnectionTrait,
    inner: &str,
    values: Vec<sea_orm::Value>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &format!("SELECT COUNT(*) AS n FROM ({inner}) q")),
            values,
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0) as u64)
}

/// How many items each section holds, for the tabs.
pub async fn section_counts(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
) -> Result<Vec<(Section, u64)>, DbErr> {
    let mut out = Vec::new();
    for section in [Section::Personal, Section::Pending, Section::Flagged] {
        let (inner, values) = queue_sql(section, scope);
        out.push((section, count_sql(db, &inner, values).await?));
    }
    let mut objections = moderation_objections::Entity::find()
        .filter(moderation_objections::Column::Status.eq("open"));
    if let Some(ids) = scope {
        objections = objections
            .filter(moderation_objections::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    out.push((Section::Objections, objections.count(db).await?));
    Ok(out)
}

/// How many items each section holds per municipality, for the staff start page: one grouped
/// query per section. Municipalities without any are left out.
pub async fn section_counts_per_municipality(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, Section, u64)>, DbErr> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for section in [Section::Personal, Section::Pending, Section::Flagged] {
        let (inner, values) = queue_sql(section, scope);
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                placeholders(
                    backend,
                    &format!(
                        "SELECT q.municipality_id AS municipality_id, COUNT(*) AS n \
                         FROM ({inner}) q GROUP BY q.municipality_id"
                    ),
                ),
                values,
            ))
            .await?;
        for row in rows {
            let id: Uuid = row.try_get("", "municipality_id")?;
            let n: i64 = row.try_get("", "n")?;
            out.push((id, section, n.max(0) as u64));
        }
    }
    let mut objections = moderation_objections::Entity::find()
        .select_only()
        .column(moderation_objections::Column::MunicipalityId)
        .column_as(moderation_objections::Column::Id.count(), "n")
        .filter(moderation_objections::Column::Status.eq("open"));
    if let Some(ids) = scope {
        objections = objections
            .filter(moderation_objections::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(Uuid, i64)> = objections
        .group_by(moderation_objections::Column::MunicipalityId)
        .into_tuple()
        .all(db)
        .await?;
    out.extend(
        rows.into_iter()
            .map(|(id, n)| (id, Section::Objections, n.max(0) as u64)),
    );
    Ok(out)
}

/// One page of open objections, oldest first.
pub async fn objections_page(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<moderation_objections::Model>, u64), DbErr> {
    let mut query = moderation_objections::Entity::find()
        .filter(moderation_objections::Column::Status.eq("open"));
    if let Some(ids) = scope {
        query =
            query.filter(moderation_objections::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let paginator = query
        .order_by_asc(moderation_objections::Column::CreatedAt)
        .order_by_asc(moderation_objections::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// What an objection is about, for the queue.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ObjectedItem {
    pub id: Uuid,
    pub kind: String,
    pub idea_title: String,
    pub hidden_reason: Option<String>,
}

/// The items the objections of one page are about, in one query.
pub async fn objected_items(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<ObjectedItem>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let list = marks.join(", ");
    let sql = format!(
        "SELECT i.id AS id, 'idea' AS kind, i.title AS idea_title, i.hidden_reason AS hidden_reason \
           FROM ideas i WHERE i.id IN ({list}) \
         UNION ALL \
         SELECT c.id AS id, 'comment' AS kind, i.title AS idea_title, c.hidden_reason AS hidden_reason \
           FROM idea_comments c JOIN ideas i ON i.id = c.idea_id WHERE c.id IN ({list})"
    );
    ObjectedItem::find_by_statement(Statement::from_sql_and_values(
        backend,
        placeholders(backend, &sql),
        ids.iter()
            .map(|id| (*id).into())
            .collect::<Vec<sea_orm::Value>>(),
    ))
    .all(db)
    .await
}

pub async fn objections_for(
    db: &impl ConnectionTrait,
    target_id: Uuid,
) -> Result<Vec<moderation_objections::Model>, DbErr> {
    moderation_objections::Entity::find()
        .filter(moderation_objections::Column::TargetId.eq(target_id))
        .order_by_asc(moderation_objections::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn find_objection(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<moderation_objections::Model>, DbErr> {
    moderation_objections::Entity::find_by_id(id).one(db).await
}

pub async fn board_title(db: &impl ConnectionTrait, board_id: Uuid) -> Result<String, DbErr> {
    Ok(idea_boards::Entity::find_by_id(board_id)
        .one(db)
        .await?
        .map(|b| b.title)
        .unwrap_or_default())
}

// ---- actions ----

#[derive(Clone, Debug)]
pub enum Action {
    Publish,
    Hide { reason: String, note: String },
    Restore,
    Dismiss,
    Redact { names: Vec<String> },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Publish => "publish",
            Action::Hide { .. } => "hide",
            Action::Restore => "restore",
            Action::Dismiss => "dismiss",
            Action::Redact { .. } => "redact",
        }
    }

    /// Whether the action makes sense for an item in this state.
    pub fn allowed_for(&self, target: &Target) -> bool {
        match (self, target.status()) {
            (Action::Publish, PENDING) => true,
            (Action::Hide { .. }, PENDING | PUBLISHED) => true,
            (Action::Hide { .. }, HIDDEN) => target.hidden_reason() == Some(AUTO_HIDDEN),
            (Action::Restore, HIDDEN) => true,
            (Action::Dismiss, PUBLISHED | HIDDEN | PENDING) => true,
            (Action::Redact { .. }, PENDING | PUBLISHED | HIDDEN) => true,
            _ => false,
        }
    }
}

/// Takes a moderation action on `target` (as read in this transaction) with its audit entry and,
/// on hide, the mail to the author with a link to object. Every change is conditional on the
/// status and the text version read, so of two moderators acting at once only one succeeds, and
/// only that one counts, mails and writes the log. Returns false when the action does not fit the
/// item's state (any more).
pub async fn act(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    target: &Target,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if !action.allowed_for(target) {
        return Ok(false);
    }
    let backend = db.get_database_backend();
    let table = target.table();
    let id = target.id();
    let is_idea = matches!(target, Target::Idea(_));
    let exec = |sql: String, values: Vec<sea_orm::Value>| async move {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            values,
        ))
        .await
    };
    // `SET …` of `table`, only if the item is still as it was read. The first values are the
    // id, the status and the version read; `sets` numbers its own values from $4.
    let update = |sets: String, mut values: Vec<sea_orm::Value>| {
        let mut all: Vec<sea_orm::Value> = vec![
            id.into(),
            target.status().to_string().into(),
            target.version().into(),
        ];
        all.append(&mut values);
        exec(
            format!("UPDATE {table} SET {sets} WHERE id = $1 AND status = $2 AND version = $3"),
            all,
        )
    };
    let close_flags = |status: &'static str| {
        exec(
            "UPDATE moderation_flags SET status = $1 WHERE target_id = $2 AND status = 'open'"
                .into(),
            vec![status.into(), id.into()],
        )
    };
    let count_comment = |idea_id: Uuid| {
        exec(
            "UPDATE ideas SET comment_count = comment_count + 1 WHERE id = $1".into(),
            vec![idea_id.into()],
        )
    };
    let mut summary = json!({ "kind": target.kind() });
    match action {
        Action::Publish => {
            let listed = if is_idea {
                ", listed = TRUE, published_at = $4"
            } else {
                ""
            };
            let done = update(
                format!("status = 'published', reviewed_at = $4{listed}"),
                vec![now.into()],
            )
            .await?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            if let Target::Comment(c) = target {
                count_comment(c.idea_id).await?;
            }
        }
        Action::Hide { reason, note } => {
            let listed = if is_idea { ", listed = TRUE" } else { "" };
            let done = update(
                format!(
                    "status = 'hidden', hidden_reason = $4, hidden_note = $5, open_flags = 0, reviewed_at = $6{listed}"
                ),
                vec![
                    reason.clone().into(),
                    Some(note.clone()).filter(|n| !n.is_empty()).into(),
                    now.into(),
                ],
            )
            .await?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            // A pending comment that is hidden counts as shown-as-placeholder from now on.
            if let Target::Comment(c) = target
                && c.status == PENDING
            {
                count_comment(c.idea_id).await?;
            }
            close_flags("upheld").await?;
            summary["reason"] = json!(reason);
            notify_author_of_hide(db, state, target, reason, note).await?;
        }
        Action::Restore => {
            let done = update(
                "status = 'published', hidden_reason = NULL, hidden_note = NULL, open_flags = 0, reviewed_at = $4".into(),
                vec![now.into()],
            )
            .await?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            close_flags("dismissed").await?;
            // The restore answers the author's objection: it is closed, and the author told.
            let answered = exec(
                "UPDATE moderation_objections SET status = 'resolved', resolved_at = $2 \
                 WHERE target_id = $1 AND status = 'open'"
                    .into(),
                vec![id.into(), now.into()],
            )
            .await?;
            if answered.rows_affected() > 0 {
                summary["objection_resolved"] = json!(true);
                notify_author_of_restore(db, state, target).await?;
            }
        }
        Action::Dismiss => {
            // An automatic hide ends with the flags that caused it; a text the pre-check marked
            // counts as looked at.
            let done = update(
                format!(
                    "open_flags = 0, reviewed_at = $4, \
                     status = CASE WHEN status = 'hidden' AND hidden_reason = '{AUTO_HIDDEN}' THEN 'published' ELSE status END, \
                     hidden_reason = CASE WHEN status = 'hidden' AND hidden_reason = '{AUTO_HIDDEN}' THEN NULL ELSE hidden_reason END"
                ),
                vec![now.into()],
            )
            .await?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            close_flags("dismissed").await?;
        }
        Action::Redact { names } => {
            // The placeholder speaks the idea's language, whoever moderates.
            let lang = match target {
                Target::Idea(i) => Lang::parse(&i.language),
                Target::Comment(c) => ideas::Entity::find_by_id(c.idea_id)
                    .one(db)
                    .await?
                    .and_then(|i| Lang::parse(&i.language)),
            }
            .unwrap_or_default();
            let placeholder = i18n::t(lang, "moderation-redacted");
            let (title, body, author_name) = match target {
                Target::Idea(i) => (Some(&i.title), &i.body, &i.author_name),
                Target::Comment(c) => (None, &c.body, &c.author_name),
            };
            let body = redact(body, names, &placeholder);
            let title = title.map(|t| redact(t, names, &placeholder));
            // A shown name that contains a listed name goes entirely: the author is "anonym".
            let author_name = author_name
                .clone()
                .filter(|n| redact(n, names, &placeholder) == *n);
            let marks = precheck(&match &title {
                Some(t) => format!("{t}\n{body}"),
                None => body.clone(),
            });
            let done = match title {
                Some(title) => {
                    update(
                        "title = $4, body = $5, author_name = $6, precheck = $7, version = version + 1, reviewed_at = $8, updated_at = $8".into(),
                        vec![title.into(), body.into(), author_name.into(), marks.into(), now.into()],
                    )
                    .await?
                }
                None => {
                    update(
                        "body = $4, author_name = $5, precheck = $6, version = version + 1, reviewed_at = $7".into(),
                        vec![body.into(), author_name.into(), marks.into(), now.into()],
                    )
                    .await?
                }
            };
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            // What was removed stays out of the log too: only how many names were given.
            summary["names"] = json!(names.len());
        }
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(target.municipality_id()),
            action: &format!("moderation.{}", action.name()),
            target_type: target.kind(),
            target_id: Some(id.to_string()),
            summary,
        },
    )
    .await?;
    Ok(true)
}

/// The idea was withdrawn: its open flags and those of its comments, and open objections, are
/// closed (there is nothing left to decide).
pub async fn close_for_withdrawn(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    for (sql, values) in [
        (
            "UPDATE moderation_flags SET status = 'dismissed' WHERE status = 'open' AND \
             (target_id = $1 OR target_id IN (SELECT c.id FROM idea_comments c WHERE c.idea_id = $1))",
            vec![idea_id.into()],
        ),
        (
            "UPDATE idea_comments SET open_flags = 0 WHERE idea_id = $1 AND open_flags > 0",
            vec![idea_id.into()],
        ),
        (
            "UPDATE moderation_objections SET status = 'resolved', resolved_at = $2 \
             WHERE target_id = $1 AND status = 'open'",
            vec![idea_id.into(), now.into()],
        ),
    ] {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, sql),
            values,
        ))
        .await?;
    }
    Ok(())
}

/// Resolves an objection (the moderator has looked at it and acted or not).
pub async fn resolve_objection(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    objection: &moderation_objections::Model,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = moderation_objections::Entity::update_many()
        .col_expr(
            moderation_objections::Column::Status,
            Expr::value("resolved"),
        )
        .col_expr(moderation_objections::Column::ResolvedAt, Expr::value(now))
        .filter(moderation_objections::Column::Id.eq(objection.id))
        .filter(moderation_objections::Column::Status.eq("open"))
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Ok(false);
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(objection.municipality_id),
            action: "moderation.objection_resolved",
            target_type: "objection",
            target_id: Some(objection.id.to_string()),
            summary: json!({ "target": objection.target_id }),
        },
    )
    .await?;
    Ok(true)
}

// ---- objections ----

/// The path of the link to object to the hiding of item `id`. It works for
/// `signed_link::LIFETIME_DAYS` from `now`; then its owner can ask for a new one.
pub fn objection_path(keys: &Keys, id: Uuid, now: DateTime<Utc>) -> String {
    let id = id.to_string();
    format!(
        "/objections/{id}/{}",
        signed_link::sign(keys, &["moderation-objection", &id], now)
    )
}

/// What the signature of an objection link for item `id` is worth at `now`.
pub fn objection_check(
    keys: &Keys,
    id: Uuid,
    given: &str,
    now: DateTime<Utc>,
) -> signed_link::Check {
    signed_link::check(keys, &["moderation-objection", &id.to_string()], given, now)
}

/// Files an author's objection to a hidden item in the queue. Returns false when the item is
/// not hidden (any more) or already has an open objection (a unique index keeps it to one).
pub async fn object(
    db: &impl ConnectionTrait,
    target: &Target,
    text: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if target.status() != HIDDEN {
        return Ok(false);
    }
    let inserted = moderation_objections::Entity::insert(moderation_objections::ActiveModel {
        id: Set(Uuid::now_v7()),
        target_id: Set(target.id()),
        municipality_id: Set(target.municipality_id()),
        text: Set(text.to_string()),
        status: Set("open".into()),
        created_at: Set(now),
        resolved_at: Set(None),
    })
    .exec_without_returning(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// The author's address and language, if we have an address for them.
pub(crate) async fn author_contact(
    db: &impl ConnectionTrait,
    target: &Target,
) -> Result<Option<(String, Lang)>, DbErr> {
    let (author_id, email, lang) = match target {
        Target::Idea(i) => (
            i.author_id,
            i.author_email.clone(),
            Lang::parse(&i.language),
        ),
        Target::Comment(c) => (c.author_id, None, None),
    };
    if let Some(email) = email {
        return Ok(Some((email, lang.unwrap_or_default())));
    }
    let Some(author_id) = author_id else {
        return Ok(None);
    };
    Ok(users::Entity::find_by_id(author_id)
        .one(db)
        .await?
        .map(|u| (u.email, Lang::parse(&u.language).unwrap_or_default())))
}

pub(crate) async fn notify_author_of_hide(
    db: &impl ConnectionTrait,
    state: &AppState,
    target: &Target,
    reason: &str,
    note: &str,
) -> Result<(), AppError> {
    let Some((email, lang)) = author_contact(db, target).await? else {
        return Ok(());
    };
    let Some(idea) = ideas::Entity::find_by_id(target.idea_id()).one(db).await? else {
        return Ok(());
    };
    let url = state
        .settings
        .absolute_url(&format!("/ideas/{}/{}", idea.board_id, idea.id));
    // A comment's mail names the idea and quotes the start of the comment.
    let excerpt = match target {
        Target::Idea(_) => String::new(),
        Target::Comment(c) => short(&c.body, 120),
    };
    notifications::enqueue(
        db,
        state,
        Email {
            to: &email,
            lang,
            kind: "idea_hidden",
            data: json!({
                "title": idea.title,
                "is_comment": matches!(target, Target::Comment(_)),
                "excerpt": excerpt,
                "automatic": reason == AUTO_HIDDEN,
                "reason": i18n::t(lang, &format!("moderation-reason-{reason}")),
                "note": note,
                "url": url,
                "objection_url": state.settings.absolute_url(&objection_path(&state.keys, target.id(), state.clock.now())),
            }),
        },
    )
    .await
}

/// Tells the author who objected that their item is shown again.
async fn notify_author_of_restore(
    db: &impl ConnectionTrait,
    state: &AppState,
    target: &Target,
) -> Result<(), AppError> {
    let Some((email, lang)) = author_contact(db, target).await? else {
        return Ok(());
    };
    let Some(idea) = ideas::Entity::find_by_id(target.idea_id()).one(db).await? else {
        return Ok(());
    };
    let url = state
        .settings
        .absolute_url(&format!("/ideas/{}/{}", idea.board_id, idea.id));
    notifications::enqueue(
        db,
        state,
        Email {
            to: &email,
            lang,
            kind: "idea_restored",
            data: json!({
                "title": idea.title,
                "is_comment": matches!(target, Target::Comment(_)),
                "url": url,
            }),
        },
    )
    .await
}

/// The start of a text, cut at `max` characters.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_precheck_marks_addresses_phone_numbers_and_ibans() {
        assert_eq!(precheck("Ein Park für alle."), "");
        assert_eq!(
            precheck("Schreiben Sie an max.muster@example.org!"),
            "email"
        );
        assert_eq!(precheck("Ruf an: 0721 / 133-5000"), "phone");
        assert_eq!(precheck("Tel. +49 721 1335000"), "phone");
        // The digits of an IBAN may also look like a phone number; the IBAN mark is what counts.
        assert!(precheck("Konto DE89 3704 0044 0532 0130 00 bitte").contains("iban"));
        assert_eq!(precheck("Kontonummer? Keine."), "");
        assert_eq!(precheck("Am 12.03.2026 um 10 Uhr, 3 Bänke"), "");
    }

    #[test]
    fn redaction_removes_addresses_numbers_and_marked_names_and_keeps_the_rest() {
        let text =
            "Hallo, ich bin Erika Mustermann (erika@example.org, 0176 1234567). Erika hilft gern.";
        let out = redact(
            text,
            &["Erika Mustermann".into(), "erika".into()],
            "[entfernt]",
        );
        assert_eq!(
            out,
            "Hallo, ich bin [entfernt] ([entfernt], [entfernt]). [entfernt] hilft gern."
        );
        assert_eq!(
            redact("Konto DE89 3704 0044 0532 0130 00 bitte", &[], "[x]"),
            "Konto [x] bitte"
        );
        // Parts of other words stay.
        assert_eq!(
            redact("Annabell und Anna", &["anna".into()], "[x]"),
            "Annabell und [x]"
        );
        assert_eq!(redact("Nichts zu tun.", &[], "[x]"), "Nichts zu tun.");
    }
}
