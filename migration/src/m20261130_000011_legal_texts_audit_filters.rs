//! Legal texts (Impressum and Datenschutzerklärung) an admin maintains for the instance and,
//! optionally, per municipality; and indexes for filtering the audit log by municipality, person
//! and kind of object.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LegalTexts {
    Table,
    Id,
    MunicipalityId,
    Kind,
    Body,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

/// Written out: both SQLite and PostgreSQL understand partial indexes. A unique index over
/// (kind, municipality_id) alone would let two instance texts in, as NULLs count as distinct.
const INDEXES: [&str; 5] = [
    "CREATE UNIQUE INDEX idx_legal_texts_instance ON legal_texts (kind) \
     WHERE municipality_id IS NULL",
    "CREATE UNIQUE INDEX idx_legal_texts_municipality ON legal_texts (kind, municipality_id) \
     WHERE municipality_id IS NOT NULL",
    "CREATE INDEX idx_audit_log_municipality ON audit_log (municipality_id, created_at)",
    "CREATE INDEX idx_audit_log_actor ON audit_log (actor_id, created_at)",
    "CREATE INDEX idx_audit_log_target_type ON audit_log (target_type, created_at)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LegalTexts::Table)
                    .col(pk_uuid(LegalTexts::Id))
                    .col(uuid_null(LegalTexts::MunicipalityId))
                    .col(string_len(LegalTexts::Kind, 20))
                    .col(text(LegalTexts::Body))
                    .col(uuid_null(LegalTexts::UpdatedBy))
                    .col(timestamp_with_time_zone(LegalTexts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LegalTexts::Table, LegalTexts::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LegalTexts::Table, LegalTexts::UpdatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in [
            "idx_audit_log_municipality",
            "idx_audit_log_actor",
            "idx_audit_log_target_type",
        ] {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        manager
            .drop_table(Table::drop().table(LegalTexts::Table).to_owned())
            .await
    }
}
