use sea_orm::entity::prelude::*;

/// An uploaded indicator spreadsheet waiting for its coordinator's confirmation after the
/// preview; removed when applied and once expired.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_drafts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    /// Who uploaded it: only they see its preview and may confirm it.
    pub user_id: Uuid,
    /// The indicator chosen on the form, for a sheet in the wide form (years as columns).
    pub indicator_id: Option<Uuid>,
    pub file_name: String,
    /// The file as uploaded; read again for the preview and the confirmation.
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
