//! Demo content: the adopted poverty-prevention strategy of the fictional "Musterstadt", with
//! fields of action, goals and measures as a real municipality would write them.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{fields_of_action, goals, measures, strategies};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

struct Measure {
    title: &'static str,
    description: &'static str,
    responsible_body: &'static str,
    status: &'static str,
    starts_on: Option<(i32, u32, u32)>,
    ends_on: Option<(i32, u32, u32)>,
    progress_note: &'static str,
}

struct Goal {
    title: &'static str,
    description: &'static str,
    target_text: Option<&'static str>,
    measures: &'static [Measure],
}

struct Field {
    title: &'static str,
    description: &'static str,
    goals: &'static [Goal],
}

const TITLE: &str = "Armutspräventionsstrategie Musterstadt 2024–2028";

const SUMMARY: &str = "Musterstadt will verhindern, dass Armut von Generation zu Generation weitergegeben wird. \
Grundlage ist der Sozialbericht 2023. Die Strategie wurde mit Bürgerinnen und Bürgern, Trägern und der \
Verwaltung erarbeitet und im Juni 2024 vom Stadtrat beschlossen.\n\n\
Sie hat fünf Handlungsfelder. Zu jedem gibt es Ziele und Maßnahmen. Wie weit wir sind, sehen Sie auf dieser Seite.";

const FIELDS: &[Field] = &[
    Field {
        title: "Bildung",
        description: "Gute Bildung von Anfang an – unabhängig vom Geldbeutel der Eltern.",
        goals: &[
            Goal {
                title: "Mehr Kinder aus Familien mit wenig Geld besuchen eine Kita",
                description: "Kinder, die früh eine Kita besuchen, starten besser in die Schule. Familien mit Bürgergeld nutzen die Kita bisher seltener.",
                target_text: Some(
                    "Kita-Besuchsquote der unter Dreijährigen in Familien mit Bürgergeld bis 2027 von 21 % auf 30 % steigern",
                ),
                measures: &[
                    Measure {
                        title: "Kita-Lotsinnen in den Familienzentren",
                        description: "Lotsinnen beraten Familien zur Anmeldung, helfen beim Antrag auf Beitragsbefreiung und begleiten zum ersten Besuch.",
                        responsible_body: "Jugendamt, Abteilung Kindertagesbetreuung",
                        status: "running",
                        starts_on: Some((2024, 9, 1)),
                        ends_on: Some((2027, 12, 31)),
                        progress_note: "Drei Lotsinnen arbeiten in den Familienzentren Nord, Mitte und Süd. Bis Ende 2025 wurden 214 Familien beraten.",
                    },
                    Measure {
                        title: "Anmeldung ohne Online-Zwang",
                        description: "Die Kita-Anmeldung ist auch auf Papier und im Bürgerbüro möglich, mit Hilfe beim Ausfüllen.",
                        responsible_body: "Jugendamt",
                        status: "done",
                        starts_on: Some((2024, 3, 1)),
                        ends_on: Some((2024, 8, 31)),
                        progress_note: "Seit August 2024 umgesetzt.",
                    },
                ],
            },
            Goal {
                title: "Weniger Jugendliche verlassen die Schule ohne Abschluss",
                description: "Ohne Abschluss ist das Risiko für Arbeitslosigkeit und Armut besonders hoch.",
                target_text: Some(
                    "Anteil der Schulabgängerinnen und Schulabgänger ohne Abschluss bis 2028 unter 5 % senken",
                ),
                measures: &[Measure {
                    title: "Schulsozialarbeit an allen weiterführenden Schulen",
                    description: "Jede weiterführende Schule bekommt mindestens eine volle Stelle Schulsozialarbeit.",
                    responsible_body: "Schulamt mit freien Trägern der Jugendhilfe",
                    status: "running",
                    starts_on: Some((2025, 1, 1)),
                    ends_on: None,
                    progress_note: "7 von 9 Schulen sind besetzt; zwei Stellen sind ausgeschrieben.",
                }],
            },
            Goal {
                title: "Lernförderung erreicht alle Kinder, die Anspruch haben",
                description: "Leistungen aus dem Bildungs- und Teilhabepaket werden noch zu selten genutzt.",
                target_text: None,
                measures: &[],
            },
        ],
    },
    Field {
        title: "Arbeit und Einkommen",
        description: "Existenzsichernde Arbeit und alle Leistungen, die Menschen zustehen.",
        goals: &[
            Goal {
                title: "Weniger Menschen sind langzeitarbeitslos",
                description: "Langzeitarbeitslosigkeit ist in Musterstadt der wichtigste Grund für Armut.",
                target_text: Some("Quote der Langzeitarbeitslosen bis 2027 um 10 % senken"),
                measures: &[
                    Measure {
                        title: "Jobcoaching im Quartier",
                        description: "Coaches beraten dort, wo die Menschen wohnen: im Stadtteiltreff, ohne Termin.",
                        responsible_body: "Jobcenter Musterstadt",
                        status: "running",
                        starts_on: Some((2024, 10, 1)),
                        ends_on: Some((2026, 9, 30)),
                        progress_note: "Zwei Sprechstunden pro Woche in Nord und Süd.",
                    },
                    Measure {
                        title: "Teilzeitausbildung für Alleinerziehende",
                        description: "Gemeinsam mit der Kammer werben wir bei Betrieben für Ausbildung in Teilzeit.",
                        responsible_body: "Wirtschaftsförderung und Industrie- und Handelskammer",
                        status: "planned",
                        starts_on: Some((2026, 8, 1)),
                        ends_on: None,
                        progress_note: "",
                    },
                ],
            },
            Goal {
                title: "Mehr Menschen nutzen die Leistungen, die ihnen zustehen",
                description: "Viele Haushalte beantragen Wohngeld oder Kinderzuschlag nicht, obwohl sie Anspruch hätten.",
                target_text: Some(
                    "Zahl der Haushalte mit Wohngeld oder Kinderzuschlag bis 2026 um 15 % erhöhen",
                ),
                measures: &[Measure {
                    title: "Leistungs-Check im Bürgerbüro",
                    description: "Ein kurzer Fragebogen zeigt, welche Leistungen in Frage kommen. Die Beratung hilft beim Antrag.",
                    responsible_body: "Sozialamt",
                    status: "stopped",
                    starts_on: Some((2024, 5, 1)),
                    ends_on: Some((2025, 4, 30)),
                    progress_note: "Gestoppt: Die Sprechstunde wurde kaum genutzt. Sie geht in den Familienzentren neu an den Start.",
                }],
            },
        ],
    },
    Field {
        title: "Wohnen",
        description: "Bezahlbarer Wohnraum und Hilfe, bevor eine Wohnung verloren geht.",
        goals: &[
            Goal {
                title: "Wohnungslosigkeit wird verhindert",
                description: "Wer Mietschulden hat, bekommt früh Hilfe, bevor eine Räumung droht.",
                target_text: Some("Zahl der Zwangsräumungen bis 2028 halbieren"),
                measures: &[Measure {
                    title: "Fachstelle Wohnungssicherung",
                    description: "Die Fachstelle bekommt Mitteilungen über Räumungsklagen und meldet sich sofort bei den Betroffenen.",
                    responsible_body: "Sozialamt, Fachstelle Wohnen",
                    status: "running",
                    starts_on: Some((2024, 7, 1)),
                    ends_on: None,
                    progress_note: "2025 konnten 58 Mietverhältnisse gesichert werden.",
                }],
            },
            Goal {
                title: "Mehr bezahlbare Wohnungen",
                description: "Bei neuen Baugebieten soll ein fester Anteil geförderter Wohnungen entstehen.",
                target_text: Some("Bis 2028 mindestens 300 neue geförderte Wohnungen"),
                measures: &[],
            },
        ],
    },
    Field {
        title: "Gesundheit",
        description: "Gesund aufwachsen und gesund bleiben – auch mit wenig Geld.",
        goals: &[
            Goal {
                title: "Alle Kinder nehmen an den Vorsorgeuntersuchungen teil",
                description: "Die U-Untersuchungen erkennen Entwicklungsverzögerungen früh.",
                target_text: Some("Teilnahme an der U7 bis 2027 auf über 95 % steigern"),
                measures: &[Measure {
                    title: "Erinnerungsbriefe in einfacher Sprache",
                    description: "Familien bekommen Erinnerungen in einfacher Sprache und in den fünf häufigsten Familiensprachen.",
                    responsible_body: "Gesundheitsamt",
                    status: "done",
                    starts_on: Some((2024, 4, 1)),
                    ends_on: Some((2025, 3, 31)),
                    progress_note: "Eingeführt; die Briefe gehen jetzt automatisch raus.",
                }],
            },
            Goal {
                title: "Psychosoziale Beratung ist schnell erreichbar",
                description: "Wartezeiten auf Beratung sind für Menschen in Krisen zu lang.",
                target_text: Some("Erstgespräch innerhalb von zwei Wochen"),
                measures: &[],
            },
        ],
    },
    Field {
        title: "Soziale Teilhabe und Mobilität",
        description: "Dabei sein können: Kultur, Sport, Vereine und ein Bus, der sich leisten lässt.",
        goals: &[
            Goal {
                title: "Der Musterstadt-Pass wird bekannter und mehr genutzt",
                description: "Mit dem Pass gibt es Ermäßigungen für Bad, Bibliothek, Museum und Volkshochschule.",
                target_text: Some("Zahl der Passinhaberinnen und Passinhaber bis 2026 verdoppeln"),
                measures: &[Measure {
                    title: "Pass direkt mit dem Bescheid",
                    description: "Wer Bürgergeld, Wohngeld oder Grundsicherung bekommt, erhält den Pass automatisch mit dem Bescheid.",
                    responsible_body: "Sozialamt und Jobcenter",
                    status: "planned",
                    starts_on: Some((2026, 1, 1)),
                    ends_on: None,
                    progress_note: "Datenschutzprüfung läuft.",
                }],
            },
            Goal {
                title: "Bus und Bahn sind für alle bezahlbar",
                description: "Ohne bezahlbare Mobilität sind Arbeit, Ämter und Freizeit schwer erreichbar.",
                target_text: Some("Sozialticket für höchstens 19 € im Monat"),
                measures: &[Measure {
                    title: "Sozialticket im Verkehrsverbund",
                    description: "Die Stadt verhandelt mit dem Verkehrsverbund über ein günstiges Monatsticket.",
                    responsible_body: "Amt für Mobilität",
                    status: "running",
                    starts_on: Some((2025, 2, 1)),
                    ends_on: Some((2026, 6, 30)),
                    progress_note: "Der Verbund hat ein Angebot vorgelegt; der Stadtrat berät im Frühjahr.",
                }],
            },
            Goal {
                title: "Alle Kinder können in einem Sportverein mitmachen",
                description: "Beiträge, Ausrüstung und Fahrten dürfen kein Grund sein, zu Hause zu bleiben.",
                target_text: None,
                measures: &[],
            },
        ],
    },
];

fn date(parts: Option<(i32, u32, u32)>) -> Option<NaiveDate> {
    parts.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn position(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX - 1) + 1
}

/// Creates the demo strategy for `municipality_id`, unless the municipality has a strategy
/// already (so running the demo again changes nothing).
pub async fn seed(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = strategies::Entity::find()
        .filter(strategies::Column::MunicipalityId.eq(municipality_id))
        .count(db)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let strategy = strategies::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        title: Set(TITLE.to_string()),
        period_start: Set(2024),
        period_end: Set(2028),
        status: Set("adopted".to_string()),
        summary: Set(SUMMARY.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    for (fi, field) in FIELDS.iter().enumerate() {
        let field_id = Uuid::now_v7();
        fields_of_action::ActiveModel {
            id: Set(field_id),
            strategy_id: Set(strategy.id),
            title: Set(field.title.to_string()),
            description: Set(field.description.to_string()),
            position: Set(position(fi)),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
        for (gi, goal) in field.goals.iter().enumerate() {
            let goal_id = Uuid::now_v7();
            goals::ActiveModel {
                id: Set(goal_id),
                field_of_action_id: Set(field_id),
                title: Set(goal.title.to_string()),
                description: Set(goal.description.to_string()),
                target_text: Set(goal.target_text.map(str::to_string)),
                position: Set(position(gi)),
                archived_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            for (mi, m) in goal.measures.iter().enumerate() {
                measures::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    goal_id: Set(goal_id),
                    title: Set(m.title.to_string()),
                    description: Set(m.description.to_string()),
                    responsible_body: Set(m.responsible_body.to_string()),
                    status: Set(m.status.to_string()),
                    starts_on: Set(date(m.starts_on)),
                    ends_on: Set(date(m.ends_on)),
                    progress_note: Set(m.progress_note.to_string()),
                    position: Set(position(mi)),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(db)
                .await?;
            }
        }
    }
    Ok(())
}
