//! The bundled SQLite is built with the query planner stability guarantee (`.cargo/config.toml`).
//! Without it, a statement whose plan could depend on a bound value is parsed and planned again
//! on every execution: sea-orm binds every `LIMIT`, so that would be every `.one()` and every page
//! of a list, on every request (a quarter of SQLite's CPU time under the write bench).

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

#[tokio::test]
async fn the_bundled_sqlite_plans_a_statement_once_whatever_values_are_bound() {
    let db = Database::connect("sqlite::memory:")
        .await
        .unwrap_or_else(|e| panic!("opening SQLite: {e}"));
    let options: Vec<String> = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA compile_options",
        ))
        .await
        .unwrap_or_else(|e| panic!("compile options: {e}"))
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    assert!(
        options.iter().any(|o| o == "ENABLE_QPSG"),
        "SQLite was built without SQLITE_ENABLE_QPSG (LIBSQLITE3_FLAGS in .cargo/config.toml): {options:?}"
    );
}
