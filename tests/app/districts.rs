//! Districts as the one list: the demo's districts and series, idea boards and ideas and
//! workshops that name one of the municipality's areas, the mapping of the free-text districts
//! stored before, and what deleting an area in use does.

use entity::{areas, goal_indicators, idea_boards, indicator_values, indicators};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::fixtures::{
    Board, code_of, demo_coordinator, draft_survey, new_workshop, open_board, survey_questions,
    workshop_round,
};
use crate::helpers::{TestApp, TestResult, spawn_app};

/// Adds the districts `names` to the municipality through the areas form; returns their ids.
async fn add_areas(app: &TestApp, place: Uuid, names: &[&str]) -> Vec<String> {
    let list = format!("/manage/municipalities/{place}/areas");
    for name in names {
        let res = app.submit(&list, &list, &[("name", name)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let page = app.get(&list).await.body;
    names
        .iter()
        .map(|name| {
            let at = page
                .find(&format!("<td>{name}</td>"))
                .unwrap_or_else(|| panic!("{name} is not listed"));
            let link = "/manage/areas/";
            let start =
                page[at..].find(link).unwrap_or_else(|| panic!("no link")) + at + link.len();
            page[start..start + 36].to_string()
        })
        .collect()
}

/// Saves the board's settings with the districts `area_ids` chosen.
async fn choose_districts(app: &TestApp, board: &Board, area_ids: &[&str]) -> crate::helpers::Page {
    let manage = format!("/manage/boards/{}", board.id);
    let mut fields = vec![
        ("title", "Ideen für den Alltag"),
        ("question", "Was würde Ihnen im Alltag helfen?"),
    ];
    fields.extend(area_ids.iter().map(|id| ("area_ids", *id)));
    app.submit(&manage, &manage, &fields).await
}

/// Posts an idea naming the district `area_id`, as whoever is signed in.
async fn post_in(app: &TestApp, board: &Board, title: &str, area_id: &str) -> crate::helpers::Page {
    let form = format!("{}/new", board.path);
    let category = board.categories[0].to_string();
    app.submit(
        &form,
        &form,
        &[
            ("title", title),
            ("body", "Mehr Bänke am Spielplatz."),
            ("category", &category),
            ("area_id", area_id),
            ("author_name", "Mia"),
        ],
    )
    .await
}

async fn idea_by_code(app: &TestApp, location: &str) -> entity::ideas::Model {
    teilhabe::ideas::model::find_by_receipt(&app.state.db, &code_of(location))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no idea for {location}"))
}

#[tokio::test]
async fn a_board_offers_the_districts_its_coordinator_chose_from_the_municipalitys_areas()
-> TestResult {
    let app = spawn_app().await;
    let board = open_board(&app, "dstadt", false).await;
    let ids = add_areas(&app, board.place, &["Nordstadt", "Südstadt", "Weststadt"]).await;
    let (nord, sued, west) = (&ids[0], &ids[1], &ids[2]);
    let manage = format!("/manage/boards/{}", board.id);
    let editor = app.get(&manage).await.body;
    assert!(editor.contains("<legend>Stadtteile, die Bürgerinnen und Bürger angeben können"));
    for id in &ids {
        assert!(editor.contains(&format!(r#"id="area-{id}" name="area_ids" value="{id}">"#)));
    }
    // An id that is not one of the municipality's areas is refused, with what was chosen kept.
    let forged = Uuid::now_v7().to_string();
    let res = choose_districts(&app, &board, &[nord, &forged]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie nur Stadtteile aus der Liste.")
    );
    assert!(res.body.contains(&format!(r#"value="{nord}" checked"#)));

    let res = choose_districts(&app, &board, &[nord, sued]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let editor = app.get(&manage).await.body;
    assert!(editor.contains(&format!(r#"value="{nord}" checked"#)));
    assert!(editor.contains(&format!(r#"value="{sued}" checked"#)));
    assert!(
        editor.contains(&format!(r#"value="{west}">"#)),
        "not chosen"
    );

    // Residents choose from the board's districts only.
    let form = app.get(&format!("{}/new", board.path)).await.body;
    assert!(form.contains(&format!(r#"<option value="{nord}">Nordstadt</option>"#)));
    assert!(!form.contains("Weststadt"));
    let res = post_in(&app, &board, "Bänke", west).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie einen Stadtteil aus der Liste.")
    );
    let res = post_in(&app, &board, "Bänke im Park", nord).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let idea = idea_by_code(&app, &res.location.unwrap_or_default()).await;
    assert_eq!(
        idea.area_id.map(|a| a.to_string()).as_deref(),
        Some(nord.as_str())
    );
    assert_eq!(idea.district.as_deref(), Some("Nordstadt"));
    let res = post_in(&app, &board, "Licht am Bahnhof", sued).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The board filters by district.
    let north = app
        .get(&format!("{}?district={nord}", board.path))
        .await
        .body;
    assert!(north.contains("Bänke im Park") && !north.contains("Licht am Bahnhof"));
    assert!(
        north.contains(" · Nordstadt · Mia · "),
        "the card names the district"
    );
    let south = app
        .get(&format!("{}?district={sued}", board.path))
        .await
        .body;
    assert!(south.contains("Licht am Bahnhof") && !south.contains("Bänke im Park"));
    assert!(south.contains(&format!(
        r#"<option value="{sued}" selected>Südstadt</option>"#
    )));

    // Deleting a district in use: the idea keeps its name as text, the board no longer offers it.
    let area = format!("/manage/areas/{nord}");
    let res = app.submit(&area, &format!("{area}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let idea = teilhabe::ideas::model::find_by_receipt(&app.state.db, &idea.receipt_code)
        .await?
        .ok_or("idea gone")?;
    assert_eq!(idea.area_id, None);
    assert_eq!(idea.district.as_deref(), Some("Nordstadt"));
    let page = app.get(&format!("{}/{}", board.path, idea.id)).await.body;
    assert!(page.contains(" · Nordstadt · "), "still readable");
    assert!(!app.get(&manage).await.body.contains(nord.as_str()));
    Ok(())
}

#[tokio::test]
async fn districts_typed_before_are_mapped_onto_areas_with_the_same_name() -> TestResult {
    let app = spawn_app().await;
    let board = open_board(&app, "mstadt", false).await;
    let res = crate::fixtures::post_idea(&app, &board, "Alte Idee", "Von früher.").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let idea = idea_by_code(&app, &res.location.unwrap_or_default()).await;
    // What boards and ideas held before districts were areas.
    let db = &app.state.db;
    idea_boards::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(board.id),
        districts: Set(" nordstadt \nMitte".into()),
        ..Default::default()
    }
    .update(db)
    .await?;
    entity::ideas::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(idea.id),
        district: Set(Some("SÜDSTADT ".into())),
        ..Default::default()
    }
    .update(db)
    .await?;
    let ids = add_areas(&app, board.place, &["Nordstadt", "Südstadt"]).await;
    let mapped =
        migration::m20261201_000023_districts_as_areas::map_free_text_districts(db).await?;
    assert_eq!(mapped, 2);
    let again = migration::m20261201_000023_districts_as_areas::map_free_text_districts(db).await?;
    assert_eq!(again, 0, "mapping twice changes nothing");
    let editor = app.get(&format!("/manage/boards/{}", board.id)).await.body;
    assert!(editor.contains(&format!(r#"value="{}" checked"#, ids[0])));
    assert!(editor.contains(&format!(r#"value="{}">"#, ids[1])));
    // The line that matched no area stays readable for the coordinator.
    assert!(
        editor.contains("kein Gebiet der Kommune: Mitte."),
        "{editor}"
    );
    let idea = teilhabe::ideas::model::find_by_receipt(db, &idea.receipt_code)
        .await?
        .ok_or("idea gone")?;
    assert_eq!(idea.area_id.map(|a| a.to_string()), Some(ids[1].clone()));
    Ok(())
}

#[tokio::test]
async fn a_workshop_may_name_the_district_it_takes_place_in() -> TestResult {
    let mut app = spawn_app().await;
    let round = workshop_round(&mut app, "wstadt").await;
    let visitor = std::mem::replace(&mut app.client, round.staff.clone());
    let ids = add_areas(&app, round.place, &["Nordstadt", "Hafen"]).await;
    let form = format!("{}/workshops/new", round.round);
    let page = app.get(&form).await.body;
    assert!(page.contains(r#"<select id="area_id" name="area_id">"#));
    let forged = Uuid::now_v7().to_string();
    let mut fields = vec![
        ("title", "Werkstatt"),
        ("date", "2099-01-10"),
        ("starts_time", "18:00"),
        ("ends_time", "20:00"),
        ("deadline_on", "2099-01-09"),
        ("address", "Rathaus"),
        ("capacity", "10"),
        ("max_per_signup", "2"),
    ];
    fields.push(("area_id", &forged));
    let res = app.submit(&form, &form, &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Bitte wählen Sie einen Stadtteil aus der Liste.")
    );
    app.client = visitor;

    let id = new_workshop(&mut app, &round, &[("area_id", &ids[0])]).await;
    let public = app.get(&format!("/workshops/{id}")).await.body;
    assert!(
        public.contains("<dt>Stadtteil</dt><dd>Nordstadt</dd>"),
        "{public}"
    );
    app.client = round.staff.clone();
    let editor = app.get(&format!("/manage/workshops/{id}")).await.body;
    assert!(editor.contains(&format!(
        r#"<option value="{}" selected>Nordstadt</option>"#,
        ids[0]
    )));
    let area = format!("/manage/areas/{}", ids[0]);
    let res = app.submit(&area, &format!("{area}/delete"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let public = app.get(&format!("/workshops/{id}")).await.body;
    assert!(
        !public.contains("<dt>Stadtteil</dt>"),
        "the district is gone, the workshop stays"
    );
    Ok(())
}

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

#[tokio::test]
async fn the_survey_builder_adds_the_district_question_from_the_municipalitys_areas() -> TestResult
{
    let app = spawn_app().await;
    let survey = draft_survey(&app, "sstadt", "none").await;
    let action = format!("{}/questions/district", survey.manage);
    // Without districts there is nothing to choose from: said, nothing added.
    let res = app.submit(&survey.manage, &action, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&survey.manage).await.body;
    assert!(page.contains("mindestens zwei Gebiete"), "{page}");
    assert!(survey_questions(&app, &survey).await.is_empty());

    add_areas(&app, survey.place, &["Südstadt", "Nordstadt"]).await;
    let res = app.submit(&survey.manage, &action, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let questions = survey_questions(&app, &survey).await;
    assert_eq!(questions.len(), 1);
    let question = &questions[0];
    assert_eq!(question.model.prompt, "In welchem Stadtteil wohnen Sie?");
    assert!(question.model.demographic);
    assert_eq!(question.kind.as_str(), "single");
    let labels: Vec<&str> = question.options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["Nordstadt", "Südstadt"]);
    Ok(())
}
