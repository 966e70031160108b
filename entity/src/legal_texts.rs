use sea_orm::entity::prelude::*;

/// An Impressum or Datenschutzerklärung in Markdown: the instance's (no municipality) or one
/// municipality's own version, shown on that municipality's pages instead.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "legal_texts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Option<Uuid>,
    /// `imprint` or `privacy`.
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
