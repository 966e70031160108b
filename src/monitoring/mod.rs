//! Monitoring: the municipality's areas (Sozialräume), the indicators its strategy is steered by
//! (defined for the whole instance or its own), which goal adopted which indicator with its
//! baseline and target, and the values per indicator, area and period, entered and corrected by
//! its coordinators. Values over too few cases or too few inhabitants are marked for staff: they
//! must never be published: `publication` is the one place that decides what is, for every
//! public surface (goal and strategy pages, the indicator page and its CSV). Indicators whose
//! data is overdue are listed on the staff start page. Values come in one by one or imported
//! from the coordinator's spreadsheets (`import*`).

pub mod adoption;
pub mod areas;
pub mod chart;
pub mod course;
pub mod demo;
pub mod import;
pub mod import_plan;
pub mod import_read;
pub mod import_view;
pub mod indicator_page;
pub mod indicators;
pub mod model;
pub mod overdue;
pub mod overview;
pub mod public_views;
pub mod publication;
pub mod values;
