//! Districts as the one list: the demo's districts and series, idea boards and ideas and
//! workshops that name one of the municipality's areas, the mapping of the free-text districts
//! stored before, and what deleting an area in use does.

use entity::{areas, goal_indicators, indicator_values, indicators};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::fixtures::demo_coordinator;
use crate::helpers::{TestResult, spawn_app};

#[tokio::test]
async fn the_demo_has_six_districts_and_yearly_series_adopted_by_its_goals() -> TestResult {
    let app = spawn_app().await;
    let demo = demo_coordinator(&app).await?;
    let db = &app.state.db;
    let now = app.state.clock.now();
    let added = teilhabe::monitoring::demo::seed(db, demo.place, "Musterstadt", now).await?;
    assert!(added > 0);
    let again = teilhabe::monitoring::demo::seed(db, demo.place, "Musterstadt", now).await?;
    assert_eq!(again, 0, "running the demo again changes nothing");

    let all = areas::Entity::find()
        .filter(areas::Column::MunicipalityId.eq(demo.place))
        .all(db)
        .await?;
    let districts: Vec<&areas::Model> = all.iter().filter(|a| !a.whole_municipality).collect();
    assert_eq!(districts.len(), 6);
    let whole = all
        .iter()
        .find(|a| a.whole_municipality)
        .ok_or("no area for the whole town")?;
    let small: Vec<&str> = districts
        .iter()
        .filter(|a| a.population.is_some_and(|p| p < 300))
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(small.len(), 2, "{small:?}");
    let people: i64 = districts.iter().filter_map(|a| a.population).sum();
    assert_eq!(whole.population, Some(people));

    let adopted = goal_indicators::Entity::find().all(db).await?;
    let mut indicator_ids: Vec<_> = adopted.iter().map(|g| g.indicator_id).collect();
    indicator_ids.sort();
    indicator_ids.dedup();
    assert!(indicator_ids.len() >= 6, "{} adopted", indicator_ids.len());
    for id in indicator_ids {
        let indicator = indicators::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or("indicator")?;
        let values = indicator_values::Entity::find()
            .filter(indicator_values::Column::IndicatorId.eq(id))
            .all(db)
            .await?;
        for year in 2015..=2025 {
            let of_year: Vec<_> = values
                .iter()
                .filter(|v| v.period == year.to_string())
                .collect();
            assert_eq!(of_year.len(), 7, "{} {year}", indicator.name);
            let town = of_year
                .iter()
                .find(|v| v.area_id == whole.id)
                .ok_or("no value for the town")?;
            let parts: f64 = of_year
                .iter()
                .filter(|v| v.area_id != whole.id)
                .map(|v| v.numerator.unwrap_or(v.value))
                .sum();
            assert_eq!(
                town.numerator.unwrap_or(town.value),
                parts,
                "{} {year}: the districts add up to the town",
                indicator.name
            );
            assert_eq!(indicator.is_rate, town.denominator.is_some());
        }
    }
    let instance_wide = indicators::Entity::find()
        .filter(indicators::Column::MunicipalityId.is_null())
        .count(db)
        .await?;
    assert!(instance_wide >= 5, "the common ones are the instance's");

    // The coordinator sees the two small districts marked on the areas page.
    let page = app
        .get(&format!("/manage/municipalities/{}/areas", demo.place))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("nicht öffentlich</strong>").count(), 2);
    for name in [
        "Innenstadt",
        "Nordstadt",
        "Südstadt",
        "Weststadt",
        "Am Hafen",
        "Lindenhof",
    ] {
        assert!(page.body.contains(&format!("<td>{name}</td>")), "{name}");
    }
    Ok(())
}
